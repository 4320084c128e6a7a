import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findFreePort } from '../../src/runtime/find_free_port.js';
import { docBlock } from '../support/doc_block.js';
import { childEnv, type ServerProcess, startListeningProcess } from '../support/keygate_process.js';
import { REPO_ROOT, readRepositoryFile } from '../support/repository_files.js';

/**
 * Acceptance 8 of the WSSE issue: the README's set-up works as written. `npm ci` has already
 * run (it is how the test suite got here); this starts the server with `npm start`, exactly the
 * README's command, and runs the README's curl block verbatim against it. Only the data
 * directory (env) and the port (rewritten from 8080 to a free one) differ, so the test can run
 * beside a developer's own server.
 */
let workDir: string;
let port: number;
let server: ServerProcess;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'keygate-readme-'));
  port = await findFreePort('127.0.0.1');
  const readme = readRepositoryFile('README.md');
  expect(readme).toContain('npm ci && npm start');
  expect(readme).toMatch(/```sh\nnpm test\n```/);
  server = await startListeningProcess('npm', ['start'], {
    cwd: REPO_ROOT,
    env: { KEYGATE_DATA_DIR: join(workDir, 'data'), KEYGATE_PORT: String(port) },
  });
});
afterAll(async () => {
  await server?.stop();
  await rm(workDir, { recursive: true, force: true });
});

it('npm start prints the first-start admin password and how to make an API key', () => {
  expect(server.stderr()).toMatch(/admin password: \S{20,}/);
  expect(server.stderr()).toContain('npx keygate apikey generate --user admin --org default');
});

it("the README's curl example returns the admin principal", async () => {
  // The block writes admin-key.json in the repository root, as a reader would; never clobber one.
  expect(existsSync(join(REPO_ROOT, 'admin-key.json'))).toBe(false);
  const script = docBlock('README.md', 'curl').replaceAll('127.0.0.1:8080', `127.0.0.1:${port}`);
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: REPO_ROOT,
    env: childEnv({ KEYGATE_DATA_DIR: join(workDir, 'data') }),
  }).finally(() => rm(join(REPO_ROOT, 'admin-key.json'), { force: true }));
  expect(JSON.parse(stdout)).toMatchObject({
    user: { login: 'admin' },
    organization: { name: 'default' },
    scheme: 'wsse',
  });
});
