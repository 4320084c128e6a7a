import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { findFreePort } from '../../src/runtime/find_free_port.js';
import { passwordToken } from '../legacy/legacy_client.js';
import { serveExpectingRefusal, startKeygateProcess } from '../support/keygate_process.js';

/**
 * A first start that cannot listen (port in use) must not create the first admin: its
 * password is printed only once, by the start that listens, so it would be lost.
 */
let dataDir: string;
let blocker: Server | undefined;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'keygate-port-in-use-'));
});
afterEach(async () => {
  await new Promise((done) => (blocker?.listening ? blocker.close(done) : done(undefined)));
  await rm(dataDir, { recursive: true, force: true });
});

it('the start after a failed first start prints the admin password, and it signs in', async () => {
  const port = await findFreePort('127.0.0.1');
  const busy = createServer();
  blocker = busy;
  await new Promise<void>((listening) => busy.listen(port, '127.0.0.1', listening));
  const env = { KEYGATE_DATA_DIR: dataDir };
  const failed = await serveExpectingRefusal(['--port', String(port)], { env });
  expect(failed.code).not.toBe(0);
  expect(failed.stderr).toContain(
    `keygate: cannot listen on 127.0.0.1:${port} (EADDRINUSE); free that port or choose another with --port\n`,
  );
  expect(failed.stderr).not.toMatch(/admin password/);
  await new Promise((closed) => busy.close(closed));

  const server = await startKeygateProcess([], { env });
  try {
    const password = /admin password: (\S+)/.exec(server.stderr())?.[1];
    expect(password, server.stderr()).toBeDefined();
    const signedIn = await passwordToken(server, { username: 'admin', password });
    expect(signedIn.token).toMatch(/^ey/);
  } finally {
    await server.stop();
  }
});
