import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUsernameTokenSync } from '@keygate/wsse/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/runtime/find_free_port.js';
import { docBlock } from '../support/doc_block.js';
import { get } from '../support/http_client.js';
import { childEnv, runKeygate } from '../support/keygate_process.js';
import {
  type RedisServerProcess,
  requireRedisServerBinary,
  startRedisServer,
} from '../support/redis_server.js';
import { REPO_ROOT } from '../support/repository_files.js';
import {
  POSTGRES_ADMIN_URL,
  requirePostgres,
  withPostgresClient,
} from '../support/scratch_postgres.js';

/**
 * Issue 5: the commands of docs/scaling.md ("Running several instances") work as written (S-2). The two
 * shell blocks run verbatim through bash, with only the database name, the Redis address and
 * the two ports substituted, so the test can run beside a developer's own set-up; then a WSSE
 * header consumed at one process is a replay at the other.
 */
/** Replaces `from` in `text`, insisting that it is there (a documentation edit must fail loudly). */
function substitute(text: string, from: string | RegExp, to: string): string {
  const found = typeof from === 'string' ? text.includes(from) : from.test(text);
  if (!found) throw new Error(`docs/scaling.md block no longer contains ${String(from)}`);
  return text.replaceAll(from, to);
}

const available =
  (await requirePostgres()) &&
  requireRedisServerBinary() &&
  new URL(POSTGRES_ADMIN_URL).host === '127.0.0.1:5432';

describe.runIf(available)('docs/scaling.md: running several instances', () => {
  const database = `keygate_readme_${randomBytes(6).toString('hex')}`;
  let redis: RedisServerProcess;
  let workDir: string;
  let shell: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    redis = await startRedisServer(['--appendonly', 'yes']);
    workDir = await mkdtemp(join(tmpdir(), 'keygate-readme-instances-'));
  });
  afterAll(async () => {
    if (shell?.pid !== undefined) {
      try {
        process.kill(-shell.pid, 'SIGTERM');
      } catch {
        // Every process of the group has exited already.
      }
    }
    await redis?.dispose();
    await withPostgresClient(POSTGRES_ADMIN_URL, (admin) =>
      admin.query(`drop database if exists ${database} with (force)`),
    );
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('two keygate serve processes on one database and Redis, one replay store', async () => {
    const [first, second] = [await findFreePort('127.0.0.1'), await findFreePort('127.0.0.1')];
    let setup = docBlock('docs/scaling.md', 'instances-setup');
    setup = substitute(setup, /^createdb (.*) keygate$/gm, `createdb $1 ${database}`);
    setup = substitute(setup, '127.0.0.1:5432/keygate', `127.0.0.1:5432/${database}`);
    setup = substitute(setup, 'redis://127.0.0.1:6379', redis.url);
    let serve = docBlock('docs/scaling.md', 'instances-serve');
    serve = substitute(serve, '8081', String(first));
    serve = substitute(serve, '8082', String(second));
    const envFile = join(workDir, 'env');
    // Not from the document: hand the exported settings (the generated master key) to the test.
    const script = `${setup}${serve}env | grep '^KEYGATE_' > ${envFile}\n`;

    shell = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: REPO_ROOT,
      env: childEnv({ KEYGATE_DATA_DIR: join(workDir, 'data') }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    shell.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    shell.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) =>
      shell?.once('exit', (exitCode) => resolve(exitCode)),
    );
    expect(code, output).toBe(0);

    const env = Object.fromEntries(
      (await readFile(envFile, 'utf8'))
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    ) as Record<string, string>;
    expect(env.KEYGATE_MASTER_KEY).toMatch(/^[0-9a-f]{64}$/);
    expect(env.KEYGATE_DATABASE_URL).toContain(database);

    const generated = await runKeygate(
      ['apikey', 'generate', '--user', 'admin', '--org', 'default', '--json'],
      { env },
    );
    expect(generated.code, generated.stderr).toBe(0);
    const { key, secret } = JSON.parse(generated.stdout) as { key: string; secret: string };
    const { header } = createUsernameTokenSync({ username: key, secret });
    const once = await get(`http://127.0.0.1:${first}/api/v1/me`, { 'X-WSSE': header });
    expect(once.status, once.text).toBe(200);
    const replay = await get(`http://127.0.0.1:${second}/api/v1/me`, { 'X-WSSE': header });
    expect(replay.status).toBe(401);
    expect(replay.json).toMatchObject({ error: 'nonce_replayed' });
    for (const port of [first, second]) {
      expect((await get(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    }
    // One admin for both processes, no append-only warning with this Redis, and no issuer
    // warning: the document sets KEYGATE_ISSUER.
    expect(output.match(/admin password: /g) ?? []).toHaveLength(1);
    expect(output).not.toContain('keeps no append-only file');
    expect(output).not.toContain('issuer defaults to');
  }, 120_000);
});
