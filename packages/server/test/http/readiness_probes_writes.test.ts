import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreNotReadyError } from '../../src/store/port.js';
import { openPostgresStore } from '../../src/store/postgres/open_postgres_store.js';
import { requireOrSkip } from '../support/external_tools.js';
import { get, type TestResponse } from '../support/http_client.js';
import { type ServerProcess, startKeygateProcess } from '../support/keygate_process.js';
import {
  type RedisServerProcess,
  requireRedisServerBinary,
  startRedisServer,
} from '../support/redis_server.js';
import {
  createScratchDatabase,
  POSTGRES_ADMIN_URL,
  requirePostgres,
  withPostgresClient,
} from '../support/scratch_postgres.js';
import { canMountTmpfs, mountSmallTmpfs, type SmallTmpfs } from '../support/small_tmpfs.js';
import { startTestServer, type TestServer } from '../support/start_test_server.js';
import { truncateSqliteWal } from '../support/truncate_sqlite_wal.js';
import { waitUntil } from '../support/wait_until.js';

/**
 * Regressions: `/readyz` answered 200 while writes failed, because it only ran `select 1`
 * (S-4). It must prove that a write commits, and name what failed.
 */
let server: TestServer | null = null;
let disk: SmallTmpfs | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
  await disk?.dispose();
  disk = null;
});

/** Waits (readiness is checked at most once a second) for `/readyz` to answer `status`. */
function readinessBecomes(url: string, status: number): Promise<TestResponse> {
  return waitUntil(
    `readyz to answer ${status}`,
    async () => {
      const answer = await get(`${url}/readyz`);
      return answer.status === status ? answer : null;
    },
    { deadlineMs: 8000 },
  );
}

function expectNotReady(answer: TestResponse, failed: string[]): void {
  expect(answer.json).toEqual({ status: 'unavailable', failed });
  expect(answer.headers['retry-after']).toBe('5');
}

it('turns false once the SQLite database file is deleted under the server', async () => {
  server = await startTestServer({ store: 'sqlite' });
  expect((await get(`${server.url}/readyz`)).status).toBe(200);
  rmSync(server.sqliteFile as string);
  expectNotReady(await readinessBecomes(server.url, 503), ['database']);
  expect((await get(`${server.url}/healthz`)).status).toBe(200);
});

const canMount = requireOrSkip('mount -t tmpfs', canMountTmpfs());

it.runIf(canMount)('turns false while the disk is full, and true once space is freed', async () => {
  disk = await mountSmallTmpfs(4096);
  server = await startTestServer({ store: 'sqlite', sqliteDir: disk.dir });
  expect((await get(`${server.url}/readyz`)).status).toBe(200);
  truncateSqliteWal(server.sqliteFile as string);
  disk.fill();
  try {
    expectNotReady(await readinessBecomes(server.url, 503), ['database']);
  } finally {
    disk.free();
  }
  await readinessBecomes(server.url, 200);
});

describe.runIf(requireRedisServerBinary())('with Redis', () => {
  let redis: RedisServerProcess | null = null;
  let keygate: ServerProcess | null = null;
  let dataDir: string | null = null;
  afterEach(async () => {
    await keygate?.stop();
    await redis?.dispose();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('turns false, naming Redis, while Redis is out of memory, and true once it has room', async () => {
    redis = await startRedisServer(['--maxmemory-policy', 'noeviction']);
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-readiness-'));
    keygate = await startKeygateProcess([], {
      env: { KEYGATE_DATA_DIR: dataDir, KEYGATE_REDIS_URL: redis.url },
    });
    expect((await get(`${keygate.url}/readyz`)).status).toBe(200);
    const client = new Redis(redis.url);
    try {
      // A limit of one byte on this scratch server: it is full, every write is refused.
      await client.config('SET', 'maxmemory', '1');
      await expect(client.set('probe', '1')).rejects.toThrow(/OOM/);
      expectNotReady(await readinessBecomes(keygate.url, 503), ['redis']);
      await client.config('SET', 'maxmemory', '0');
      await readinessBecomes(keygate.url, 200);
    } finally {
      client.disconnect();
    }
  });
});

describe.runIf(await requirePostgres())('on PostgreSQL', () => {
  it('fails readiness, naming the database, once every session is read-only', async () => {
    const scratch = await createScratchDatabase();
    const store = await openPostgresStore({ url: scratch.url });
    try {
      await store.ping();
      // What a failover onto a standby looks like to the pool: reads work, writes are refused.
      await withPostgresClient(POSTGRES_ADMIN_URL, async (admin) => {
        await admin.query(`alter database ${scratch.name} set default_transaction_read_only = on`);
        await admin.query(
          'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1',
          [scratch.name],
        );
      });
      await waitUntil('reads to work again', async () => {
        await store.organizations.list();
        return true;
      });
      const refused = await store.ping().then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(StoreNotReadyError);
      expect((refused as StoreNotReadyError).failed).toEqual(['database']);
    } finally {
      await store.close();
      await scratch.drop();
    }
  });
});
