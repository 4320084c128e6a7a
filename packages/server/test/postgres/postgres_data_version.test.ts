import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/port.js';
import { migratePostgres } from '../../src/store/postgres/migrate_postgres.js';
import { openPostgresStore } from '../../src/store/postgres/open_postgres_store.js';
import {
  POSTGRES_LISTENER_HEARTBEAT_MS,
  type PostgresListenerEvent,
} from '../../src/store/postgres/postgres_data_version.js';
import {
  createScratchDatabase,
  requirePostgres,
  type ScratchDatabase,
} from '../support/scratch_postgres.js';
import { startTcpProxy } from '../support/tcp_proxy.js';
import { waitUntil } from '../support/wait_until.js';

const available = await requirePostgres();
const NOW = Math.floor(Date.now() / 1000);

/**
 * The PostgreSQL store's `dataVersion` (S-2, W-7): what lets the WSSE credential cache and the
 * token endpoint's client cache work on PostgreSQL. Another process's committed write reaches
 * it through `LISTEN`/`NOTIFY`; the clock is held still here so that the one-second bucket
 * cannot be what moved it.
 */
describe.runIf(available)('postgres dataVersion', () => {
  let database: ScratchDatabase;
  /** The listening store, on a clock that only moves when a test moves it. */
  let a: Store;
  /** Another pool on the same database, as another keygate process. */
  let b: Store;
  let clockMs = Date.UTC(2030, 0, 1);
  beforeAll(async () => {
    database = await createScratchDatabase();
    await migratePostgres({ url: database.url });
    a = await openPostgresStore({ url: database.url }, { now: () => clockMs });
    b = await openPostgresStore({ url: database.url });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  function version(store: Store): string | number {
    if (store.dataVersion === undefined) throw new Error('the store has no dataVersion');
    return store.dataVersion();
  }

  /** Waits until `store` is listening: two calls in a row give the same token (clock held). */
  function steady(store: Store): Promise<string | number> {
    return waitUntil(
      'a steady dataVersion',
      async () => {
        const first = version(store);
        return first === version(store) ? first : null;
      },
      { deadlineMs: 5000, intervalMs: 10 },
    );
  }

  /** Polls every 10 ms, up to 2 s, until `store`'s version is steady at another value. */
  function changedFrom(store: Store, before: string | number): Promise<string | number> {
    return waitUntil(
      'dataVersion to move on',
      async () => {
        const now = version(store);
        return now !== before && now === version(store) ? now : null;
      },
      { deadlineMs: 2000, intervalMs: 10 },
    );
  }

  /**
   * Waits until every notification committed so far has reached `store`: notifications arrive
   * in commit order, so once one sent now has moved the version on, the earlier ones are in.
   * Returns the version then.
   */
  async function drained(store: Store): Promise<string | number> {
    const before = await steady(store);
    await database.query(`select pg_notify('keygate_auth_data', 'test barrier')`);
    return changedFrom(store, before);
  }

  let users = 0;
  function createUser(store: Store): Promise<void> {
    users += 1;
    return store.users.create({
      id: `u${users}`,
      login: `user-${users}`,
      email: null,
      passwordHash: null,
      createdAt: NOW,
      disabledAt: null,
    });
  }

  it('a write committed through another pool moves it on, by the notification alone', async () => {
    const before = await drained(a);
    await createUser(b);
    const after = await changedFrom(a, before);
    expect(after).not.toEqual(before);

    // An operator's own SQL is seen too: the triggers are in the database, not in keygate.
    await database.query(`update users set disabled_at = $1 where id = 'u1'`, [NOW]);
    expect(await changedFrom(a, after)).not.toEqual(after);
  });

  it('a signing key written by another pool moves it on, by the notification alone (O-11)', async () => {
    const before = await drained(a);
    await b.signingKeys.create({
      kid: 'kid-rotated-elsewhere',
      alg: 'ES256',
      publicJwk: '{}',
      privateJwkSealed: 'sealed',
      createdAt: NOW,
      activatesAt: NOW,
      retiredAt: null,
    });
    const after = await changedFrom(a, before);
    expect(after).not.toEqual(before);
    await database.query(`update signing_keys set retired_at = $1`, [NOW]);
    expect(await changedFrom(a, after)).not.toEqual(after);
  });

  it('a write through the store itself moves it on as soon as the write resolves', async () => {
    const before = await drained(a);
    await createUser(a);
    expect(version(a)).not.toEqual(before);
    await b.oauthClients.create({
      clientId: 'cl1',
      name: 'client',
      secretHash: null,
      redirectUris: ['https://app.example.test/cb'],
      grantTypes: ['authorization_code'],
      scopes: ['read'],
      skipConsent: false,
      requirePkce: true,
      allowPlainPkce: false,
      introspectAnyToken: false,
      scopesVersion: 1,
      createdAt: NOW,
      updatedAt: NOW,
    });
    const cached = await drained(a);
    expect(await a.oauthClients.delete('cl1')).toBe(true);
    expect(version(a)).not.toEqual(cached);
  });

  it('stays the same while nothing it covers changes, so caches stay warm; the second moves it', async () => {
    const before = await drained(a);
    // Nonces are written on every WSSE request: they must not empty the caches.
    for (let i = 0; i < 20; i += 1) {
      expect(await b.nonces.consume(`n${i}`, 60, NOW)).toBe(true);
      expect(version(a)).toEqual(before);
    }
    for (let i = 0; i < 10; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(version(a)).toEqual(before);
    }

    // A notification that never arrives is made up for by the clock's next second.
    clockMs += 1000;
    expect(version(a)).not.toEqual(before);
  });

  it('while the listening session is gone every call differs, then it listens again', async () => {
    const seen = new Set([await steady(a)]);
    await database.query(
      `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and query ilike 'listen%'`,
      [database.name],
    );
    // Once the loss is noticed, every call (even within one turn of the event loop) differs.
    const whileDown = await waitUntil(
      'the listening session to be noticed gone',
      async () => {
        const tokens = Array.from({ length: 50 }, () => version(a));
        return new Set(tokens).size === tokens.length ? tokens : null;
      },
      { deadlineMs: 2000, intervalMs: 10 },
    );
    for (const token of whileDown) {
      expect(seen.has(token)).toBe(false);
      seen.add(token);
    }

    const again = await steady(a);
    expect(seen.has(again)).toBe(false);
    for (let i = 0; i < 10; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(version(a)).toEqual(again);
    }
    // Notifications flow on the new session.
    await createUser(b);
    expect(await changedFrom(a, again)).not.toEqual(again);
  });

  it('a database out of reach: new tokens for as long as it lasts, then it listens again (S-4)', async () => {
    const proxy = await startTcpProxy(Number(new URL(database.url).port || 5432));
    const url = new URL(database.url);
    url.host = `${proxy.host}:${proxy.port}`;
    const viaProxy = await openPostgresStore(
      { url: url.toString(), timeoutMs: 500 },
      { now: () => clockMs },
    );
    try {
      const before = await steady(viaProxy);
      proxy.setMode('refuse');
      const seen = new Set([before]);
      await waitUntil(
        'the cut session to be noticed',
        async () => {
          const token = version(viaProxy);
          seen.add(token);
          return token !== before;
        },
        { deadlineMs: 2000, intervalMs: 10 },
      );
      // Several failed reconnections later, still never the same token twice.
      for (let i = 0; i < 30; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        const token = version(viaProxy);
        expect(seen.has(token)).toBe(false);
        seen.add(token);
      }
      // What changes meanwhile is missed by the lost session; the new one starts afresh.
      await createUser(b);

      proxy.setMode('forward');
      const again = await steady(viaProxy);
      expect(seen.has(again)).toBe(false);
    } finally {
      await viaProxy.close();
      await proxy.close();
    }
  });

  it('close() ends the listening session too', async () => {
    const store = await openPostgresStore({
      url: `${database.url}?application_name=keygate_listen_close_test`,
    });
    const listeners = async () => {
      const [row] = await database.query<{ n: string }>(
        `select count(*) as n from pg_stat_activity where datname = $1 and application_name = 'keygate_listen_close_test' and query ilike 'listen%'`,
        [database.name],
      );
      return Number(row?.n);
    };
    store.dataVersion?.();
    await waitUntil('the store to listen', async () => (await listeners()) === 1, {
      deadlineMs: 5000,
      intervalMs: 20,
    });
    await store.close();
    await waitUntil('the listening session to end', async () => (await listeners()) === 0, {
      deadlineMs: 2000,
      intervalMs: 20,
    });
  });

  /** A `lost` message is a fixed reason, optionally with an error code: never a URL. */
  const SHORT_REASON = /^[a-z ]+( \([A-Z0-9_]+\))?$/;

  it('onEvent reports the loss of the listening session and its recovery, not its start (X-3)', async () => {
    const events: PostgresListenerEvent[] = [];
    const store = await openPostgresStore(
      { url: `${database.url}?application_name=keygate_listen_events_test` },
      { now: () => clockMs, onEvent: (event) => events.push(event) },
    );
    try {
      await steady(store);
      expect(events).toEqual([]);
      await database.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = 'keygate_listen_events_test' and query ilike 'listen%'`,
        [database.name],
      );
      await waitUntil('the loss and the recovery to be reported', async () => events.length >= 2, {
        deadlineMs: 3000,
        intervalMs: 10,
      });
      expect(events).toEqual([
        { type: 'lost', message: expect.stringMatching(SHORT_REASON) },
        { type: 'listening' },
      ]);
      await steady(store);
    } finally {
      await store.close();
    }
  });

  it('a listening session that dies silently is found out by its heartbeat, then replaced (S-4)', async () => {
    const proxy = await startTcpProxy(Number(new URL(database.url).port || 5432));
    const url = new URL(database.url);
    url.host = `${proxy.host}:${proxy.port}`;
    const events: PostgresListenerEvent[] = [];
    // Timeout 500 ms: a heartbeat without an answer fails after 1.5 s (query_timeout).
    const viaProxy = await openPostgresStore(
      { url: url.toString(), timeoutMs: 500 },
      { now: () => clockMs, onEvent: (event) => events.push(event) },
    );
    try {
      const before = await steady(viaProxy);
      // No FIN, no RST, no error: only the heartbeat can tell the session is gone.
      proxy.setMode('blackhole');
      await waitUntil(
        'the silent death to be noticed',
        async () => String(version(viaProxy)).startsWith('unsynced:'),
        { deadlineMs: POSTGRES_LISTENER_HEARTBEAT_MS + 3000, intervalMs: 20 },
      );
      expect(events).toEqual([
        { type: 'lost', message: expect.stringMatching(/^heartbeat failed/) },
      ]);
      expect(events[0]).toMatchObject({ message: expect.stringMatching(SHORT_REASON) });
      const seen = new Set([before]);
      for (let i = 0; i < 10; i += 1) {
        const token = version(viaProxy);
        expect(seen.has(token)).toBe(false);
        seen.add(token);
      }

      proxy.setMode('forward');
      const again = await steady(viaProxy);
      expect(seen.has(again)).toBe(false);
      expect(events.map((event) => event.type)).toEqual(['lost', 'listening']);
      // Notifications flow on the new session.
      await createUser(b);
      expect(await changedFrom(viaProxy, again)).not.toEqual(again);
    } finally {
      // The proxy first: it cuts a session still held silent, which would keep close() waiting.
      await proxy.close();
      await viaProxy.close();
    }
  });
});
