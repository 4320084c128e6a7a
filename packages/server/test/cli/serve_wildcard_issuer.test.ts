import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { get } from '../support/http_client.js';
import { serveExpectingRefusal, startKeygateProcess } from '../support/keygate_process.js';

/**
 * Listening on every interface (`0.0.0.0`, `::`) never makes `http://0.0.0.0:<port>` the
 * issuer, an address no client can use: `keygate serve` requires KEYGATE_ISSUER then.
 */
let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'keygate-wildcard-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

it.each(['0.0.0.0', '::'])(
  'serve --host %s without an issuer exits non-zero with one line, creating nothing',
  async (host) => {
    const dataDir = join(root, 'data');
    const result = await serveExpectingRefusal(['--host', host, '--port', '0'], {
      env: { KEYGATE_DATA_DIR: dataDir },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `keygate: invalid configuration: issuer: host ${host} listens on every interface and is no address clients can use as the issuer; set KEYGATE_ISSUER to the public URL clients reach keygate at, e.g. https://auth.example.com\n`,
    );
    expect(existsSync(dataDir)).toBe(false);
  },
);

it('with KEYGATE_ISSUER, serve --host 0.0.0.0 starts and names that issuer', async () => {
  const server = await startKeygateProcess(['--host', '0.0.0.0'], {
    env: { KEYGATE_DATA_DIR: join(root, 'data'), KEYGATE_ISSUER: 'https://auth.example.com' },
  });
  try {
    const port = new URL(server.url).port;
    const metadata = await get(`http://127.0.0.1:${port}/.well-known/oauth-authorization-server`);
    expect(metadata.json).toMatchObject({ issuer: 'https://auth.example.com' });
  } finally {
    await server.stop();
  }
});
