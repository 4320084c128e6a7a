import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUsernameTokenSync } from '@keygate/wsse/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../support/http_client.js';
import { runKeygate, type ServerProcess, startKeygateProcess } from '../support/keygate_process.js';
import {
  createScratchDatabase,
  requirePostgres,
  type ScratchDatabase,
} from '../support/scratch_postgres.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp_proxy.js';
import { waitUntil } from '../support/wait_until.js';

const available = await requirePostgres();

/**
 * S-4 (PostgreSQL part): a `keygate serve` process whose database goes away answers WSSE
 * requests with 503 (never 200, never a crash), `/readyz` turns false, and both recover by
 * themselves when the database returns. The database is taken away with a loopback proxy, so
 * the machine's shared PostgreSQL keeps running for everyone else.
 */
describe.runIf(available)('keygate serve on PostgreSQL fails closed', () => {
  let database: ScratchDatabase;
  let dataDir: string;
  let proxy: TcpProxy;
  let server: ServerProcess;
  let credential: { key: string; secret: string };

  beforeAll(async () => {
    database = await createScratchDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-pg-down-'));
    proxy = await startTcpProxy(Number(new URL(database.url).port || 5432));
    const viaProxy = new URL(database.url);
    viaProxy.host = `${proxy.host}:${proxy.port}`;
    server = await startKeygateProcess([], {
      env: { KEYGATE_DATABASE_URL: viaProxy.toString(), KEYGATE_DATA_DIR: dataDir },
    });
    const generated = await runKeygate(
      ['apikey', 'generate', '--user', 'admin', '--org', 'default', '--json'],
      { env: { KEYGATE_DATABASE_URL: database.url, KEYGATE_DATA_DIR: dataDir } },
    );
    expect(generated.code, generated.stderr).toBe(0);
    credential = JSON.parse(generated.stdout) as { key: string; secret: string };
  });
  afterAll(async () => {
    await server?.stop();
    await proxy?.close();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const me = () =>
    get(`${server.url}/api/v1/me`, {
      'X-WSSE': createUsernameTokenSync({ username: credential.key, secret: credential.secret })
        .header,
    });

  it('503 while the database refuses or stops answering, 200 again once it is back', async () => {
    expect((await me()).status).toBe(200);
    expect((await get(`${server.url}/readyz`)).status).toBe(200);

    for (const mode of ['refuse', 'blackhole'] as const) {
      proxy.setMode(mode);
      const responses = await Promise.all(Array.from({ length: 5 }, () => me()));
      for (const response of responses) {
        expect(response.status, `${mode}: ${response.text}`).toBe(503);
        expect(response.headers['content-type']).toMatch(/application\/json/);
      }
      // Readiness is checked at most once a second: it turns within that.
      await waitUntil(
        'readyz to answer 503',
        async () => (await get(`${server.url}/readyz`)).status === 503,
      );
      expect((await get(`${server.url}/healthz`)).status).toBe(200);

      proxy.setMode('forward');
      // The first request after the outage may still meet a cut session; it must never be a
      // 200 that skipped the replay store, and service comes back without a restart.
      let status = 0;
      for (let attempt = 0; attempt < 10 && status !== 200; attempt += 1) {
        status = (await me()).status;
        expect([200, 503]).toContain(status);
      }
      expect(status).toBe(200);
      await waitUntil(
        'readyz to answer 200',
        async () => (await get(`${server.url}/readyz`)).status === 200,
      );
    }
    expect(server.child.exitCode).toBeNull();
    expect(server.stderr()).not.toMatch(/unhandled|uncaught/i);
  });
});
