import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Migrator } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/store/sql/migrate_to_latest.js';
import { ALL_MIGRATIONS } from '../../src/store/sql/migrations/all_migrations.js';
import { openSqliteDatabase } from '../../src/store/sqlite/open_sqlite_database.js';
import { openSqliteStore } from '../../src/store/sqlite/open_sqlite_store.js';
import { openSqliteNonceWriter } from '../../src/store/sqlite/sqlite_nonce_writer.js';

/**
 * The SQLite store's second connection: group-committed nonce consumption (W-6, S-5) and the
 * `dataVersion` that authentication caches rely on (acceptance 7 of the WSSE issue).
 */
const NOW = Math.floor(Date.now() / 1000);

let root: string;
let serial = 0;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'keygate-nonce-writer-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function freshFile(): string {
  serial += 1;
  return join(root, `case-${serial}`, 'keygate.sqlite');
}

async function seed(store: Awaited<ReturnType<typeof openSqliteStore>>): Promise<void> {
  await store.organizations.create({ id: 'o1', name: 'Acme', createdAt: NOW, disabledAt: null });
  await store.users.create({
    id: 'u1',
    login: 'alice',
    email: null,
    passwordHash: null,
    createdAt: NOW,
    disabledAt: null,
  });
  await store.credentials.create({
    id: 'c1',
    key: 'k1',
    userId: 'u1',
    organizationId: 'o1',
    secretCiphertext: 'sealed',
    status: 'active',
    createdAt: NOW,
    secretSetAt: NOW,
  });
}

describe('sqlite dataVersion', () => {
  it('moves when another connection or a raw SQLite connection commits', async () => {
    const file = freshFile();
    const server = await openSqliteStore({ file });
    const cli = await openSqliteStore({ file });
    try {
      await seed(server);
      const before = server.dataVersion?.();
      expect(before).toBeDefined();
      await cli.credentials.setStatus('c1', 'disabled');
      const afterCli = server.dataVersion?.();
      expect(afterCli).not.toEqual(before);

      // A connection that bypasses this process's file lock stands for another process: its
      // commit is seen from the next event-loop turn on (the version is read once per turn).
      const raw = new BetterSqlite3(file);
      raw.prepare("update users set disabled_at = 1 where id = 'u1'").run();
      raw.close();
      await new Promise((resolve) => setImmediate(resolve));
      expect(server.dataVersion?.()).not.toEqual(afterCli);
    } finally {
      await server.close();
      await cli.close();
    }
  });

  it("stays put across reads and the store's own nonce consumption (so caches stay warm)", async () => {
    const file = freshFile();
    const store = await openSqliteStore({ file });
    try {
      await seed(store);
      const version = store.dataVersion?.();
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.nonces.consume(`n${i}`, 60, NOW)),
      );
      await store.credentials.findByKey('k1');
      await store.users.findById('u1');
      expect(store.dataVersion?.()).toEqual(version);
    } finally {
      await store.close();
    }
  });
});

describe('sqlite group-committed nonces', () => {
  it('a consume accepted before close is committed, and stays consumed after reopening', async () => {
    const file = freshFile();
    const store = await openSqliteStore({ file });
    const pending = [store.nonces.consume('n1', 3600, NOW), store.nonces.consume('n1', 3600, NOW)];
    await store.close();
    expect(await Promise.all(pending)).toEqual([true, false]);
    const reopened = await openSqliteStore({ file });
    try {
      expect(await reopened.nonces.consume('n1', 3600, NOW)).toBe(false);
    } finally {
      await reopened.close();
    }
  });

  it('one batch of many keys lands in the table, readable by another connection', async () => {
    const file = freshFile();
    const store = await openSqliteStore({ file });
    try {
      const results = await Promise.all(
        Array.from({ length: 300 }, (_, i) => store.nonces.consume(`k${i % 100}`, 60, NOW)),
      );
      // Calls are batched in order, so the first call for each key is the one that wins.
      expect(results.slice(0, 100)).toEqual(Array.from({ length: 100 }, () => true));
      expect(results.slice(100).some(Boolean)).toBe(false);
      const raw = new BetterSqlite3(file, { readonly: true });
      const count = raw.prepare('select count(*) from wsse_nonces').pluck().get();
      raw.close();
      expect(count).toBe(100);
    } finally {
      await store.close();
    }
  });

  it('interleaves with a transaction of the other connection without deadlock', async () => {
    const file = freshFile();
    const store = await openSqliteStore({ file });
    try {
      await seed(store);
      // resealAll holds BEGIN IMMEDIATE across awaits on the Kysely connection; nonces queued
      // meanwhile wait for the in-process lock instead of blocking the thread on SQLITE_BUSY.
      const [resealed, ...consumed] = await Promise.all([
        store.credentials.resealAll((r) => `${r.secretCiphertext}!`),
        ...Array.from({ length: 20 }, (_, i) => store.nonces.consume(`n${i}`, 60, NOW)),
      ]);
      expect(resealed).toBe(1);
      expect(consumed).toEqual(Array.from({ length: 20 }, () => true));
    } finally {
      await store.close();
    }
  });
});

describe('sqlite nonce writer as a query runner', () => {
  /** A migrated file, and queries compiled by Kysely on it (as `PreparedQuery` does). */
  async function migratedFile() {
    const file = freshFile();
    const db = openSqliteDatabase({ file });
    await migrateToLatest(db);
    const insert = (key: string) =>
      db
        .insertInto('wsse_nonces')
        .values({ key, expires_at: NOW + 60 })
        .compile();
    return { file, db, insert };
  }

  function countNonces(file: string): number {
    const raw = new BetterSqlite3(file, { readonly: true });
    try {
      return raw.prepare('select count(*) from wsse_nonces').pluck().get() as number;
    } finally {
      raw.close();
    }
  }

  it('runs the compiled query it is given and resolves only once another connection sees it', async () => {
    const { file, db, insert } = await migratedFile();
    const writer = openSqliteNonceWriter({ file, checkpointIntervalMs: 0 });
    try {
      const seenAtResolve: number[] = [];
      const results = await Promise.all(
        ['a', 'b', 'c'].map((key) =>
          writer.executeQuery(insert(key)).then((result) => {
            seenAtResolve.push(countNonces(file));
            return result.numAffectedRows;
          }),
        ),
      );
      expect(results).toEqual([1n, 1n, 1n]);
      // The whole batch was committed before the first caller learnt its result (S-5).
      expect(seenAtResolve).toEqual([3, 3, 3]);
    } finally {
      await writer.close();
      await db.destroy();
    }
  });

  it('a failing statement rejects every caller of its batch and applies none of it', async () => {
    const { file, db, insert } = await migratedFile();
    const writer = openSqliteNonceWriter({ file, checkpointIntervalMs: 0 });
    try {
      const outcomes = await Promise.allSettled([
        writer.executeQuery(insert('first')),
        writer.executeQuery(insert('first')),
        writer.executeQuery(insert('last')),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(countNonces(file)).toBe(0);
      // The writer is still usable after a rolled-back batch.
      expect((await writer.executeQuery(insert('again'))).numAffectedRows).toBe(1n);
      expect(countNonces(file)).toBe(1);
    } finally {
      await writer.close();
      await db.destroy();
    }
  });
});

describe('0005_wsse_nonces_rowid', () => {
  /** The `CREATE TABLE` text SQLite keeps for `wsse_nonces`. */
  function tableSql(file: string): string {
    const raw = new BetterSqlite3(file, { readonly: true });
    try {
      return raw
        .prepare("select sql from sqlite_master where type = 'table' and name = 'wsse_nonces'")
        .pluck()
        .get() as string;
    } finally {
      raw.close();
    }
  }

  it('rebuilds the table as a rowid table and keeps every consumed nonce consumed (W-6)', async () => {
    const file = freshFile();
    const db = openSqliteDatabase({ file });
    const { error } = await new Migrator({
      db,
      provider: { getMigrations: async () => ({ ...ALL_MIGRATIONS }) },
      migrationTableName: 'keygate_migration',
      migrationLockTableName: 'keygate_migration_lock',
    }).migrateTo('0004_legacy_jwt');
    expect(error).toBeUndefined();
    await db
      .insertInto('wsse_nonces')
      .values([
        { key: 'live', expires_at: NOW + 3600 },
        { key: 'forever', expires_at: null },
        { key: 'expired', expires_at: NOW - 1 },
      ])
      .execute();
    await db.destroy();
    expect(tableSql(file).toLowerCase()).toContain('without rowid');

    const store = await openSqliteStore({ file });
    try {
      expect(tableSql(file).toLowerCase()).not.toContain('without rowid');
      expect(await store.nonces.consume('live', 60, NOW)).toBe(false);
      expect(await store.nonces.consume('forever', 60, NOW)).toBe(false);
      expect(await store.nonces.consume('expired', 60, NOW)).toBe(true);
      expect(await store.nonces.consume('new', 60, NOW)).toBe(true);
      expect(await store.nonces.purgeExpired(NOW + 61)).toBe(2);
    } finally {
      await store.close();
    }
    const raw = new BetterSqlite3(file, { readonly: true });
    const indexes = raw
      .prepare("select name from sqlite_master where type = 'index' and tbl_name = 'wsse_nonces'")
      .pluck()
      .all();
    raw.close();
    expect(indexes).toContain('wsse_nonces_expires_at_idx');
  });
});
