import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUsernameTokenSync } from '@keygate/wsse/node';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsernameToken } from 'wsse';
import { ALL_MIGRATIONS } from '../../src/store/sql/migrations/all_migrations.js';
import { get } from '../support/http_client.js';
import { runKeygate, startKeygateProcess } from '../support/keygate_process.js';
import {
  createScratchDatabase,
  requirePostgres,
  type ScratchDatabase,
} from '../support/scratch_postgres.js';
import { postToken } from '../support/token_client.js';

const MIGRATIONS = Object.keys(ALL_MIGRATIONS);
const available = await requirePostgres();

/**
 * S-2 (issue 5): `keygate migrate` and `keygate serve` work on PostgreSQL as on SQLite, as
 * separate processes, with WSSE (W-1..W-7) and the api_keys grant (O-8) on top.
 */
describe.runIf(available)('keygate on PostgreSQL', () => {
  let database: ScratchDatabase;
  let dataDir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    database = await createScratchDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-pg-'));
    env = { KEYGATE_DATABASE_URL: database.url, KEYGATE_DATA_DIR: dataDir };
  });
  afterAll(async () => {
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('migrate, then serve: WSSE 200 on /api/v1/me and an api_keys token', async () => {
    const migrated = await runKeygate(['migrate', '--json'], { env });
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(JSON.parse(migrated.stdout)).toEqual({ applied: MIGRATIONS });
    const again = await runKeygate(['migrate', '--json'], { env });
    expect(JSON.parse(again.stdout)).toEqual({ applied: [] });

    const server = await startKeygateProcess([], { env });
    try {
      expect(server.stderr()).toMatch(/admin password: /);
      const generated = await runKeygate(
        ['apikey', 'generate', '--user', 'admin', '--org', 'default', '--json'],
        { env },
      );
      expect(generated.code, generated.stderr).toBe(0);
      const { key, secret } = JSON.parse(generated.stdout) as { key: string; secret: string };

      const { header } = createUsernameTokenSync({ username: key, secret });
      const me = await get(`${server.url}/api/v1/me`, { 'X-WSSE': header });
      expect(me.status, me.text).toBe(200);
      expect(me.json).toMatchObject({
        user: { login: 'admin' },
        organization: { name: 'default' },
      });
      const replay = await get(`${server.url}/api/v1/me`, { 'X-WSSE': header });
      expect(replay.status).toBe(401);
      expect(replay.json).toMatchObject({ error: 'nonce_replayed' });

      const created = await runKeygate(
        ['client', 'create', 'Robot', '--grant', 'api_keys', '--json'],
        { env },
      );
      expect(created.code, created.stderr).toBe(0);
      const { client_id, client_secret } = JSON.parse(created.stdout) as Record<string, string>;
      const token = new UsernameToken({ username: key, password: secret });
      const response = await postToken(
        server,
        {
          client_id: client_id ?? '',
          client_secret: client_secret ?? '',
          grant_type: 'api_keys',
          key,
          nonce: token.getNonceBase64(),
          created_at: token.getCreated(),
          digest: token.getPasswordDigest(),
        },
        { json: true },
      );
      expect(response.status, response.text).toBe(200);
      const bearer = await get(`${server.url}/api/v1/me`, {
        authorization: `Bearer ${String((response.json as Record<string, unknown>).access_token)}`,
      });
      expect(bearer.status).toBe(200);
      expect(bearer.json).toMatchObject({ user: { login: 'admin' }, scheme: 'bearer' });

      // A NUL character (PostgreSQL text cannot hold one) is an unknown client, not a 500.
      const hostile = await postToken(server, {
        client_id: 'a\u0000b',
        client_secret: 'x',
        grant_type: 'api_keys',
      });
      expect(hostile.status, hostile.text).toBe(401);
      expect(hostile.json).toMatchObject({ error: 'invalid_client' });

      // Everything lives in PostgreSQL: no SQLite file was created.
      const [row] = await database.query<{ n: string }>(
        'select count(*) as n from api_credentials',
      );
      expect(Number(row?.n)).toBe(1);
      expect(existsSync(join(dataDir, 'keygate.sqlite'))).toBe(false);

      const ready = await get(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});

/** The advisory lock Kysely's migrator takes on PostgreSQL (`PostgresAdapter`'s LOCK_ID). */
const KYSELY_MIGRATION_LOCK_ID = '3853314791062309107';

/** keygate sessions on `database` waiting for a lock. */
async function lockWaiters(database: ScratchDatabase): Promise<number> {
  const [row] = await database.query<{ n: string }>(
    `select count(*) as n from pg_stat_activity
      where datname = $1 and application_name = 'keygate' and wait_event_type = 'Lock'`,
    [database.name],
  );
  return Number(row?.n);
}

describe.runIf(available)('keygate migrate from two processes at once', () => {
  let database: ScratchDatabase;
  beforeAll(async () => {
    database = await createScratchDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('both succeed; every migration is applied exactly once', async () => {
    const env = { KEYGATE_DATABASE_URL: database.url };
    // Hold the migrator's advisory lock until both processes wait for it, so they really race
    // for the schema the moment it is released, instead of one finishing before the other starts.
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    let results: Awaited<ReturnType<typeof runKeygate>>[];
    try {
      await holder.query(`select pg_advisory_lock(${KYSELY_MIGRATION_LOCK_ID})`);
      const running = Promise.all([
        runKeygate(['migrate', '--json'], { env }),
        runKeygate(['migrate', '--json'], { env }),
      ]);
      while ((await lockWaiters(database)) < 2) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await holder.query(`select pg_advisory_unlock(${KYSELY_MIGRATION_LOCK_ID})`);
      results = await running;
    } finally {
      await holder.end();
    }
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const applied = results.flatMap((r) => (JSON.parse(r.stdout) as { applied: string[] }).applied);
    expect(applied.sort()).toEqual(MIGRATIONS);
    const rows = await database.query<{ name: string }>(
      'select name from keygate_migration order by name',
    );
    expect(rows.map((r) => r.name)).toEqual(MIGRATIONS);
  });
});

describe.runIf(available)('keygate serve from two processes at once on an empty database', () => {
  let database: ScratchDatabase;
  let dataDir: string;
  beforeAll(async () => {
    database = await createScratchDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-pg-two-'));
  });
  afterAll(async () => {
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('both migrate, start and answer; the first-start admin exists once', async () => {
    const env = { KEYGATE_DATABASE_URL: database.url, KEYGATE_DATA_DIR: dataDir };
    const started = await Promise.allSettled([
      startKeygateProcess([], { env }),
      startKeygateProcess([], { env }),
    ]);
    const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    try {
      for (const s of started) {
        if (s.status === 'rejected') throw s.reason;
      }
      expect(servers).toHaveLength(2);
      const generated = await runKeygate(
        ['apikey', 'generate', '--user', 'admin', '--org', 'default', '--json'],
        { env },
      );
      expect(generated.code, generated.stderr).toBe(0);
      const { key, secret } = JSON.parse(generated.stdout) as { key: string; secret: string };
      for (const server of servers) {
        expect((await get(`${server.url}/readyz`)).status).toBe(200);
        const { header } = createUsernameTokenSync({ username: key, secret });
        expect((await get(`${server.url}/api/v1/me`, { 'X-WSSE': header })).status).toBe(200);
      }
      const users = await database.query<{ login: string }>('select login from users');
      expect(users.map((u) => u.login)).toEqual(['admin']);
      const applied = await database.query<{ name: string }>(
        'select name from keygate_migration order by name',
      );
      expect(applied.map((r) => r.name)).toEqual(MIGRATIONS);
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  });
});

describe('database URL errors', () => {
  it('an unreachable PostgreSQL: exit 1, the URL named with its password redacted', async () => {
    const result = await runKeygate(['migrate'], {
      env: { KEYGATE_DATABASE_URL: 'postgres://keygate:hunter2-secret@127.0.0.1:1/keygate' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'keygate: cannot open PostgreSQL database postgres://keygate:***@127.0.0.1:1/keygate',
    );
    expect(result.stderr).not.toContain('hunter2');
  });

  it('sqlite:///path still selects that SQLite file (S-1)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keygate-sqlite-url-'));
    try {
      const file = join(dir, 'nested', 'other.sqlite');
      const result = await runKeygate(['migrate', '--json'], {
        env: { KEYGATE_DATABASE_URL: `sqlite://${file}`, KEYGATE_DATA_DIR: dir },
      });
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ applied: MIGRATIONS });
      expect(existsSync(file)).toBe(true);
      expect(existsSync(join(dir, 'keygate.sqlite'))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a pool size outside 1..1000: a configuration error naming databasePoolSize', async () => {
    const result = await runKeygate(['migrate'], {
      env: { KEYGATE_DATABASE_URL: 'postgres://x@127.0.0.1:1/x', KEYGATE_DATABASE_POOL_SIZE: '0' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /invalid configuration: databasePoolSize: must be a whole number/,
    );
  });

  it.each([
    ['another scheme', 'mysql://root:hunter2-secret@127.0.0.1/keygate'],
    ['no host', 'postgres://keygate:hunter2-secret@/keygate'],
    ['not a URL', 'hunter2-secret'],
  ])('%s: a configuration error naming databaseUrl, without the value', async (_label, url) => {
    const result = await runKeygate(['migrate'], { env: { KEYGATE_DATABASE_URL: url } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/invalid configuration: databaseUrl/);
    expect(result.stderr).not.toContain('hunter2');
  });
});
