import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { childEnv, type ServerProcess, startListeningProcess } from '../support/keygate_process.js';

/**
 * Acceptance 8 of the WSSE issue: the README's set-up works as written. `npm ci` has already
 * run (it is how the test suite got here); this starts the server with `npm start`, exactly the
 * README's command, and runs the README's curl block verbatim against it. Only the data
 * directory (env) and the port (rewritten from 8080 to a free one) differ, so the test can run
 * beside a developer's own server.
 */
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

function block(marker: string): string {
  const match = new RegExp(
    `<!-- readme-test:${marker} -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\`\\s*<!-- /readme-test:${marker} -->`,
  ).exec(readme);
  if (!match?.[1]) throw new Error(`README block ${marker} not found`);
  return match[1];
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

let workDir: string;
let port: number;
let server: ServerProcess;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'keygate-readme-'));
  port = await freePort();
  expect(readme).toContain('npm ci && npm start');
  expect(readme).toMatch(/```sh\nnpm test\n```/);
  server = await startListeningProcess('npm', ['start'], {
    cwd: repoRoot,
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
  expect(existsSync(join(repoRoot, 'admin-key.json'))).toBe(false);
  const script = block('curl').replaceAll('127.0.0.1:8080', `127.0.0.1:${port}`);
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: repoRoot,
    env: childEnv({ KEYGATE_DATA_DIR: join(workDir, 'data') }),
  }).finally(() => rm(join(repoRoot, 'admin-key.json'), { force: true }));
  expect(JSON.parse(stdout)).toMatchObject({
    user: { login: 'admin' },
    organization: { name: 'default' },
    scheme: 'wsse',
  });
});
