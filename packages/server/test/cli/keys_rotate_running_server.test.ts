import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsernameToken } from 'wsse';
import { get } from '../support/http_client.js';
import { runKeygate, type ServerProcess, startKeygateProcess } from '../support/keygate_process.js';
import {
  createScratchDatabase,
  requirePostgres,
  type ScratchDatabase,
} from '../support/scratch_postgres.js';
import { postToken } from '../support/token_client.js';
import { waitUntil } from '../support/wait_until.js';

const postgres = await requirePostgres();

/**
 * `keygate keys rotate` run by the CLI in another process reaches a running server at once,
 * as the README and docs/cli.md say (O-11): its JWKS lists the new key on the next request
 * and, with `--announce 0`, the tokens it issues are signed by the new key and accepted. The
 * server used to keep its loaded keys for 30 s. On PostgreSQL the change travels as a
 * notification after the commit, so the JWKS is polled for, up to 2 s.
 */
describe.each([
  { setup: 'SQLite', run: true },
  { setup: 'PostgreSQL', run: postgres },
])('keys rotate reaches a running server on $setup', ({ setup, run }) => {
  let database: ScratchDatabase | undefined;
  let dataDir: string;
  let env: Record<string, string>;
  let server: ServerProcess;

  beforeAll(async () => {
    if (!run) return;
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-keys-rotate-'));
    env = { KEYGATE_DATA_DIR: dataDir };
    if (setup === 'PostgreSQL') {
      database = await createScratchDatabase();
      env.KEYGATE_DATABASE_URL = database.url;
    }
    server = await startKeygateProcess([], { env });
  });
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function cli(args: readonly string[]): Promise<Record<string, unknown>> {
    const result = await runKeygate([...args, '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  async function publishedKids(): Promise<string[]> {
    const response = await get(`${server.url}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    return (response.json as { keys: { kid: string }[] }).keys.map((key) => key.kid);
  }

  it.runIf(run)('publishes the new key on the next request and signs with it', async () => {
    const { key, secret } = (await cli([
      'apikey',
      'generate',
      '--user',
      'admin',
      '--org',
      'default',
    ])) as { key: string; secret: string };
    const { client_id, client_secret } = (await cli([
      'client',
      'create',
      'Robot',
      '--grant',
      'api_keys',
    ])) as { client_id: string; client_secret: string };
    const accessToken = async (): Promise<string> => {
      const token = new UsernameToken({ username: key, password: secret });
      const response = await postToken(
        server,
        {
          client_id,
          client_secret,
          grant_type: 'api_keys',
          key,
          nonce: token.getNonceBase64(),
          created_at: token.getCreated(),
          digest: token.getPasswordDigest(),
        },
        { json: true },
      );
      expect(response.status, response.text).toBe(200);
      return String((response.json as Record<string, unknown>).access_token);
    };

    // The server has loaded its keys (JWKS served, a token signed) before the rotation.
    const before = await publishedKids();
    expect(before).toHaveLength(1);
    expect(decodeProtectedHeader(await accessToken()).kid).toBe(before[0]);

    const rotated = await cli(['keys', 'rotate', '--announce', '0']);
    const kid = String(rotated.kid);
    expect(kid).not.toBe(before[0]);

    if (setup === 'SQLite') {
      expect(await publishedKids()).toContain(kid);
    } else {
      await waitUntil(
        'the new key in the JWKS',
        async () => (await publishedKids()).includes(kid),
        {
          deadlineMs: 2000,
          intervalMs: 20,
        },
      );
    }
    const token = await accessToken();
    expect(decodeProtectedHeader(token).kid).toBe(kid);
    const me = await get(`${server.url}/api/v1/me`, { authorization: `Bearer ${token}` });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ user: { login: 'admin' }, scheme: 'bearer' });
  });
});
