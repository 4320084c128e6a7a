import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RefreshTokenRecord, Store } from '../../src/store/port.js';
import { StoreUnavailableError } from '../../src/store/port.js';
import { migratePostgres } from '../../src/store/postgres/migrate_postgres.js';
import { openPostgresDatabase } from '../../src/store/postgres/open_postgres_database.js';
import { openPostgresStore } from '../../src/store/postgres/open_postgres_store.js';
import { translatePostgresError } from '../../src/store/postgres/translate_postgres_error.js';
import { createSqlStore } from '../../src/store/sql/create_sql_store.js';
import { ALL_MIGRATIONS } from '../../src/store/sql/migrations/all_migrations.js';
import {
  createScratchDatabase,
  requirePostgres,
  type ScratchDatabase,
} from '../support/scratch_postgres.js';
import { startTcpProxy } from '../support/tcp_proxy.js';
import { waitUntil } from '../support/wait_until.js';
import { describeStoreConformance } from './conformance.js';

const NOW = Math.floor(Date.now() / 1000);
const available = await requirePostgres();

/** Empties every keygate table (not the migration bookkeeping) so each test starts clean. */
async function truncateAll(database: ScratchDatabase): Promise<void> {
  const tables = await database.query<{ tablename: string }>(
    `select tablename from pg_tables where schemaname = 'public' and tablename not like 'keygate_migration%'`,
  );
  if (tables.length === 0) return;
  await database.query(
    `truncate table ${tables.map((t) => `"${t.tablename}"`).join(', ')} cascade`,
  );
}

/** Sessions keygate's pools hold open on `database` (pg_stat_activity). */
async function keygateSessions(database: ScratchDatabase): Promise<number> {
  const [row] = await database.query<{ n: string }>(
    `select count(*) as n from pg_stat_activity where datname = $1 and application_name = 'keygate'`,
    [database.name],
  );
  return Number(row?.n);
}

describe.runIf(available)('postgres store', () => {
  let database: ScratchDatabase;
  beforeAll(async () => {
    database = await createScratchDatabase();
    await migratePostgres({ url: database.url });
  });
  afterAll(async () => {
    await database?.drop();
  });

  // S-3: the one conformance suite, on a pool of 10 connections, each test on emptied tables.
  // dataVersion's clock is held still and its session listening, so that its cases see the
  // store's own writes move it on (not the next second, nor a session still connecting).
  describeStoreConformance('postgres', async () => {
    await truncateAll(database);
    const store = await openPostgresStore({ url: database.url }, { now: () => 0 });
    await waitUntil(
      'dataVersion to listen',
      async () => {
        const first = store.dataVersion?.();
        return first === store.dataVersion?.();
      },
      { deadlineMs: 5000, intervalMs: 5 },
    );
    return { store, cleanup: () => store.close() };
  });

  describe('postgres specifics', () => {
    let store: Store;
    beforeAll(async () => {
      await truncateAll(database);
      store = await openPostgresStore({ url: database.url });
    });
    afterAll(async () => {
      await store?.close();
    });

    it('reports kind postgres and applied every migration once', async () => {
      expect(store.kind).toBe('postgres');
      const rows = await database.query<{ name: string }>(
        'select name from keygate_migration order by name',
      );
      expect(rows.map((r) => r.name)).toEqual(Object.keys(ALL_MIGRATIONS));
      expect((await migratePostgres({ url: database.url })).applied).toEqual([]);
    });

    it('runs parallel operations on several pooled connections, still one winner (W-6)', async () => {
      const results = await Promise.all(
        Array.from({ length: 50 }, () => store.nonces.consume('parallel', 60, NOW)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      // The pool opened more than one session for them: the race ran in the database.
      expect(await keygateSessions(database)).toBeGreaterThan(1);
    });

    it('two pools (as two processes) racing on one nonce, code and refresh token: one winner each (S-2)', async () => {
      const other = await openPostgresStore({ url: database.url });
      try {
        await store.organizations.create({
          id: 'o1',
          name: 'Acme',
          createdAt: NOW,
          disabledAt: null,
        });
        await store.users.create({
          id: 'u1',
          login: 'alice',
          email: null,
          passwordHash: null,
          createdAt: NOW,
          disabledAt: null,
        });
        await store.oauthClients.create({
          clientId: 'cl1',
          name: 'client',
          secretHash: null,
          redirectUris: ['https://app.example.test/cb'],
          grantTypes: ['authorization_code', 'refresh_token'],
          scopes: ['read'],
          skipConsent: false,
          requirePkce: true,
          allowPlainPkce: false,
          introspectAnyToken: false,
          scopesVersion: 1,
          createdAt: NOW,
          updatedAt: NOW,
        });
        await store.tokenFamilies.create({
          id: 'f1',
          clientId: 'cl1',
          userId: 'u1',
          organizationId: 'o1',
          createdAt: NOW,
          revokedAt: null,
        });
        await store.authorizationCodes.create({
          codeHash: 'h1',
          clientId: 'cl1',
          redirectUri: 'https://app.example.test/cb',
          scope: 'read',
          userId: 'u1',
          organizationId: 'o1',
          codeChallenge: null,
          codeChallengeMethod: null,
          familyId: 'f1',
          createdAt: NOW,
          expiresAt: NOW + 60,
          consumedAt: null,
        });
        const token = (jti: string): RefreshTokenRecord => ({
          jti,
          familyId: 'f1',
          clientId: 'cl1',
          userId: 'u1',
          organizationId: 'o1',
          scope: 'read',
          clientScopesVersion: 1,
          issuedAt: NOW,
          expiresAt: NOW + 3600,
          consumedAt: null,
          successorJti: null,
          successorResponseSealed: null,
        });
        await store.refreshTokens.create(token('rt'));

        const stores = [store, other];
        const nonces = await Promise.all(
          Array.from({ length: 50 }, (_, i) => stores[i % 2]?.nonces.consume('shared', 60, NOW)),
        );
        expect(nonces.filter((r) => r === true)).toHaveLength(1);
        const codes = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            stores[i % 2]?.authorizationCodes.consume('h1', NOW),
          ),
        );
        expect(codes.filter((r) => r?.outcome === 'consumed')).toHaveLength(1);
        expect(codes.filter((r) => r?.outcome === 'already_consumed')).toHaveLength(49);
        const rotations = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            stores[i % 2]?.refreshTokens.rotate('rt', NOW + 1, token(`next-${i}`), null),
          ),
        );
        expect(rotations.filter((r) => r?.outcome === 'rotated')).toHaveLength(1);
        const [count] = await database.query<{ n: string }>(
          `select count(*) as n from refresh_tokens where jti like 'next-%'`,
        );
        expect(Number(count?.n)).toBe(1);
      } finally {
        await other.close();
      }
    });

    it('a statement blocked past the timeout fails with StoreUnavailableError, then the store works on', async () => {
      const impatient = await openPostgresStore({ url: database.url, timeoutMs: 300 });
      const blocker = new pg.Client({ connectionString: database.url });
      await blocker.connect();
      try {
        await impatient.signingKeys.create({
          kid: 'k-locked',
          alg: 'ES256',
          publicJwk: '{}',
          privateJwkSealed: 'sealed',
          createdAt: NOW,
          activatesAt: NOW,
          retiredAt: null,
        });
        await blocker.query('begin');
        await blocker.query(`select * from signing_keys where kid = 'k-locked' for update`);
        await expect(impatient.signingKeys.retire('k-locked', NOW)).rejects.toBeInstanceOf(
          StoreUnavailableError,
        );
        await blocker.query('rollback');
        expect(await impatient.signingKeys.retire('k-locked', NOW)).toBe(true);
      } finally {
        await blocker.end();
        await impatient.close();
      }
    });

    it('sessions killed by the server: no crash, operations resume by themselves (S-4)', async () => {
      expect(await store.nonces.consume('before-kill', 60, NOW)).toBe(true);
      await database.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = 'keygate'`,
        [database.name],
      );
      // A call may still meet a dead session; it fails as unavailable, never otherwise.
      for (let attempt = 0; attempt < 20; attempt += 1) {
        try {
          await store.ping();
          break;
        } catch (error) {
          expect(error).toBeInstanceOf(StoreUnavailableError);
        }
      }
      expect(await store.nonces.consume('after-kill', 60, NOW)).toBe(true);
      expect(await store.nonces.consume('before-kill', 60, NOW)).toBe(false);
    });

    it('an unreachable server fails with StoreUnavailableError instead of hanging', async () => {
      await expect(
        openPostgresStore({ url: 'postgres://nobody@127.0.0.1:1/keygate' }),
      ).rejects.toThrow();
      const unreachable = createSqlStore({
        kind: 'postgres',
        db: openPostgresDatabase({ url: 'postgres://nobody@127.0.0.1:1/keygate' }),
        translateError: translatePostgresError,
      });
      try {
        await expect(unreachable.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(unreachable.nonces.consume('n', 60, NOW)).rejects.toBeInstanceOf(
          StoreUnavailableError,
        );
      } finally {
        await unreachable.close();
      }
    });

    it('database down, then back: StoreUnavailableError meanwhile, service resumes without reopening (S-4)', async () => {
      const proxy = await startTcpProxy(Number(new URL(database.url).port || 5432));
      const url = new URL(database.url);
      url.host = `${proxy.host}:${proxy.port}`;
      const viaProxy = await openPostgresStore({ url: url.toString(), timeoutMs: 500 });
      try {
        expect(await viaProxy.nonces.consume('outage-1', 60, NOW)).toBe(true);

        proxy.setMode('refuse');
        await expect(viaProxy.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(viaProxy.nonces.consume('outage-2', 60, NOW)).rejects.toBeInstanceOf(
          StoreUnavailableError,
        );
        proxy.setMode('forward');
        await expect(viaProxy.ping()).resolves.toBeUndefined();
        expect(await viaProxy.nonces.consume('outage-1', 60, NOW)).toBe(false);
        expect(await viaProxy.nonces.consume('outage-2', 60, NOW)).toBe(true);

        // A database that stops answering (packets dropped) is cut short by the timeouts,
        // on the pooled session (query_timeout) and on new ones (connection timeout).
        proxy.setMode('blackhole');
        await expect(viaProxy.nonces.consume('outage-3', 60, NOW)).rejects.toBeInstanceOf(
          StoreUnavailableError,
        );
        const parallel = await Promise.allSettled(
          Array.from({ length: 5 }, (_, i) => viaProxy.nonces.consume(`outage-4-${i}`, 60, NOW)),
        );
        for (const outcome of parallel) {
          expect(outcome.status).toBe('rejected');
          if (outcome.status === 'rejected') {
            expect(outcome.reason).toBeInstanceOf(StoreUnavailableError);
          }
        }
        // Migrating (keygate migrate, serve's start) gives up connecting too, despite its long
        // statement timeout.
        await expect(migratePostgres({ url: url.toString(), timeoutMs: 500 })).rejects.toThrow();
        proxy.setMode('forward');
        await expect(viaProxy.ping()).resolves.toBeUndefined();
        expect(await viaProxy.nonces.consume('outage-1', 60, NOW)).toBe(false);
        expect(await viaProxy.nonces.consume('outage-5', 60, NOW)).toBe(true);
      } finally {
        await viaProxy.close();
        await proxy.close();
      }
    });

    it('opens no more sessions than poolSize, however many operations wait', async () => {
      const small = await openPostgresStore({
        url: `${database.url}?application_name=keygate_pool_size_test`,
        poolSize: 2,
      });
      try {
        const results = await Promise.all(
          Array.from({ length: 50 }, () => small.nonces.consume('small-pool', 60, NOW)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const [row] = await database.query<{ n: string }>(
          `select count(*) as n from pg_stat_activity where datname = $1 and application_name = 'keygate_pool_size_test'`,
          [database.name],
        );
        expect(Number(row?.n)).toBe(2);
      } finally {
        await small.close();
      }
    });

    it('accepts the postgresql:// spelling of the URL', async () => {
      const other = await openPostgresStore({
        url: database.url.replace(/^postgres:/, 'postgresql:'),
      });
      try {
        expect(await other.nonces.consume('spelling', 60, NOW)).toBe(true);
        expect(await store.nonces.consume('spelling', 60, NOW)).toBe(false);
      } finally {
        await other.close();
      }
    });

    it('close() ends the pool: no session is left behind', async () => {
      // A session name of its own (the URL's application_name wins), to count only its sessions.
      const extra = await openPostgresStore({
        url: `${database.url}?application_name=keygate_close_test`,
      });
      await Promise.all(
        Array.from({ length: 5 }, (_, i) => extra.nonces.consume(`c${i}`, 60, NOW)),
      );
      const sessions = async () => {
        const [row] = await database.query<{ n: string }>(
          `select count(*) as n from pg_stat_activity where datname = $1 and application_name = 'keygate_close_test'`,
          [database.name],
        );
        return Number(row?.n);
      };
      expect(await sessions()).toBeGreaterThan(0);
      await extra.close();
      // The server notices each client's Terminate message a moment after the socket closes.
      let left = await sessions();
      for (let attempt = 0; attempt < 100 && left > 0; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        left = await sessions();
      }
      expect(left).toBe(0);
      await expect(extra.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    });
  });
});
