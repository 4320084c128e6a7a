import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUsernameTokenSync } from '@keygate/wsse/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, type TestResponse } from '../support/http_client.js';
import { runKeygate, type ServerProcess, startKeygateProcess } from '../support/keygate_process.js';
import {
  type RedisServerProcess,
  requireRedisServerBinary,
  startRedisServer,
} from '../support/redis_server.js';
import {
  createScratchDatabase,
  requirePostgres,
  type ScratchDatabase,
} from '../support/scratch_postgres.js';
import { postToken } from '../support/token_client.js';
import { waitUntil } from '../support/wait_until.js';

const available = await requirePostgres();
const withRedis = available && requireRedisServerBinary();

/**
 * On PostgreSQL too, `keygate serve` caches credential lookups (WSSE) and registered clients
 * (token endpoint) while the store's `dataVersion` is unchanged, and a change made by the
 * `keygate` CLI in another process still takes effect (S-2, W-7, W-8, O-6): the database
 * notifies the server when the transaction commits. Delivery is asynchronous, so each refusal
 * is polled for, up to 2 s; it must come. Run on PostgreSQL alone and with Redis holding the
 * nonces (the combined store must keep `dataVersion`: the server's LISTEN session, opened by
 * the first call to it, is the proof).
 */
describe.each([
  { setup: 'PostgreSQL', redis: false, run: available },
  { setup: 'PostgreSQL and Redis', redis: true, run: withRedis },
])('authentication caches on $setup see CLI changes', ({ redis: useRedis, run }) => {
  let database: ScratchDatabase;
  let redis: RedisServerProcess | undefined;
  let dataDir: string;
  let server: ServerProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    if (!run) return;
    database = await createScratchDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-pg-caches-'));
    env = { KEYGATE_DATABASE_URL: database.url, KEYGATE_DATA_DIR: dataDir };
    if (useRedis) {
      redis = await startRedisServer();
      env.KEYGATE_REDIS_URL = redis.url;
    }
    server = await startKeygateProcess([], { env });
  });
  afterAll(async () => {
    await server?.stop();
    await redis?.dispose();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function cli(args: readonly string[]): Promise<Record<string, unknown>> {
    const result = await runKeygate([...args, '--json'], { env });
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  /**
   * Makes sure the server's `dataVersion` session is listening (it starts with the first
   * authenticated request), so that what the next requests load is really cached.
   */
  async function serverListens(): Promise<void> {
    await waitUntil(
      "the server's LISTEN session",
      async () => {
        const [row] = await database.query<{ n: string }>(
          `select count(*) as n from pg_stat_activity where datname = $1 and query ilike 'listen%'`,
          [database.name],
        );
        return Number(row?.n) === 1;
      },
      { deadlineMs: 5000, intervalMs: 20 },
    );
  }

  function callAs(username: string, secret: string): Promise<TestResponse> {
    const { header } = createUsernameTokenSync({ username, secret });
    return get(`${server.url}/api/v1/me`, { 'X-WSSE': header });
  }

  /** Polls every 10 ms, up to 2 s, until `call` answers `status` (fresh nonces each time). */
  function until(status: number, call: () => Promise<TestResponse>): Promise<TestResponse> {
    return waitUntil(
      `a ${status} answer`,
      async () => {
        const response = await call();
        return response.status === status ? response : null;
      },
      { deadlineMs: 2000, intervalMs: 10 },
    );
  }

  it.runIf(run)(
    'WSSE: apikey disable and user disable refuse a cached key, enable accepts it again',
    async () => {
      const { key, secret } = (await cli([
        'apikey',
        'generate',
        '--user',
        'admin',
        '--org',
        'default',
      ])) as { key: string; secret: string };
      expect((await callAs(key, secret)).status).toBe(200);
      await serverListens();
      // The first of these loads the key into the cache, the second is served from it.
      for (let i = 0; i < 2; i += 1) expect((await callAs(key, secret)).status).toBe(200);

      await cli(['apikey', 'disable', key]);
      const refused = await until(401, () => callAs(key, secret));
      expect(refused.json).toMatchObject({ error: 'credential_disabled' });
      await cli(['apikey', 'enable', key]);
      await until(200, () => callAs(key, secret));
      expect((await callAs(key, secret)).status).toBe(200);

      await cli(['user', 'disable', 'admin']);
      const userRefused = await until(401, () => callAs(key, secret));
      expect(userRefused.json).toMatchObject({ error: 'credential_disabled' });
      await cli(['user', 'enable', 'admin']);
      await until(200, () => callAs(key, secret));
    },
  );

  it.runIf(run)('token endpoint: a cached client deleted by the CLI is refused', async () => {
    const created = await cli([
      'client',
      'create',
      'Cached worker',
      '--grant',
      'client_credentials',
      '--scope',
      'documents:read',
    ]);
    const clientId = String(created.client_id);
    const clientSecret = String(created.client_secret);
    const grant = () =>
      postToken(server, {
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
        scope: 'documents:read',
      });
    await serverListens();
    for (let i = 0; i < 2; i += 1) {
      const response = await grant();
      expect(response.status, response.text).toBe(200);
    }

    await cli(['client', 'delete', clientId]);
    const refused = await until(401, grant);
    expect(refused.json).toMatchObject({ error: 'invalid_client' });
  });
});
