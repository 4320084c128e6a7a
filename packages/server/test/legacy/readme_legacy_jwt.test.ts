import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { docBlock } from '../support/doc_block.js';
import { childEnv, type ServerProcess, startKeygateProcess } from '../support/keygate_process.js';
import { REPO_ROOT } from '../support/repository_files.js';

/**
 * The README's "Legacy JWT (X-Auth-Token)" block works as written (L-1..L-3): run verbatim
 * with bash against a `keygate serve` child process, only the port rewritten from 8080.
 */
let dataDir: string;
let server: ServerProcess;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'keygate-readme-legacy-'));
  server = await startKeygateProcess([], { env: { KEYGATE_DATA_DIR: dataDir } });
});
afterAll(async () => {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

it("the README's legacy JWT block signs in, calls /api/v1/me with X-Auth-Token and refreshes", async () => {
  const port = new URL(server.url).port;
  const script = docBlock('README.md', 'legacy-jwt').replaceAll(
    '127.0.0.1:8080',
    `127.0.0.1:${port}`,
  );
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: REPO_ROOT,
    env: childEnv({ KEYGATE_DATA_DIR: dataDir }),
  });
  // `user create` prints one line; the two curl answers follow without newlines between them.
  const answers = stdout.slice(stdout.indexOf('\n') + 1);
  const split = answers.lastIndexOf('{"token"');
  const me = JSON.parse(answers.slice(0, split));
  expect(me).toMatchObject({
    user: { login: 'dave' },
    organization: { name: 'default' },
    scheme: 'legacy_jwt',
  });
  expect(JSON.parse(answers.slice(split))).toEqual({ token: expect.stringMatching(/^ey/) });
});
