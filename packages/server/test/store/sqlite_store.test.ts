import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { Migrator } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RefreshTokenRecord, Store } from '../../src/store/port.js';
import { StoreConflictError } from '../../src/store/port.js';
import { ALL_MIGRATIONS } from '../../src/store/sql/migrations/all_migrations.js';
import { migrateSqlite } from '../../src/store/sqlite/migrate_sqlite.js';
import { openSqliteDatabase } from '../../src/store/sqlite/open_sqlite_database.js';
import { openSqliteStore } from '../../src/store/sqlite/open_sqlite_store.js';
import { createScratchSqliteStore } from '../support/scratch_sqlite_store.js';
import { describeStoreConformance } from './conformance.js';

const CHILD = fileURLToPath(new URL('./fixtures/sqlite_child.ts', import.meta.url));
const NOW = Math.floor(Date.now() / 1000);

let root: string;
let serial = 0;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'keygate-sqlite-'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A path for a fresh database file, in a directory that does not exist yet. */
function freshFile(): string {
  serial += 1;
  return join(root, `case-${serial}`, 'keygate.sqlite');
}

describeStoreConformance('sqlite', async () => {
  const store = await createScratchSqliteStore();
  return { store, cleanup: () => store.close() };
});

/** A refresh token of client `cl1`, family `f1`, user `u1`, organization `o1`. */
function refreshToken(
  jti: string,
  overrides: Partial<RefreshTokenRecord> = {},
): RefreshTokenRecord {
  return {
    jti,
    familyId: 'f1',
    clientId: 'cl1',
    userId: 'u1',
    organizationId: 'o1',
    scope: 'read',
    clientScopesVersion: 1,
    issuedAt: NOW,
    expiresAt: NOW + 432000,
    consumedAt: null,
    successorJti: null,
    successorResponseSealed: null,
    ...overrides,
  };
}

/** Creates `o1`, `u1`, client `cl1`, family `f1` and refresh tokens `<prefix>0 … <count-1>`. */
async function seedRefreshTokens(store: Store, prefix: string, count: number): Promise<void> {
  await store.organizations.create({ id: 'o1', name: 'Acme', createdAt: NOW, disabledAt: null });
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
    name: 'App',
    secretHash: null,
    redirectUris: ['http://localhost:3000/cb'],
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: ['read'],
    skipConsent: true,
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
  for (let i = 0; i < count; i++) await store.refreshTokens.create(refreshToken(`${prefix}${i}`));
}

/** Rows of `refresh_tokens` read straight from the file, bypassing the store. */
function refreshTokenRows(
  file: string,
): { jti: string; successor_jti: string | null; successor_response_sealed: string | null }[] {
  const raw = new BetterSqlite3(file, { readonly: true });
  try {
    return raw
      .prepare('select jti, successor_jti, successor_response_sealed from refresh_tokens')
      .all() as {
      jti: string;
      successor_jti: string | null;
      successor_response_sealed: string | null;
    }[];
  } finally {
    raw.close();
  }
}

/** Runs the child fixture and resolves with its stdout once it exits with 0. */
function runChild(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`child exited with ${code}: ${err}`));
    });
  });
}

/** Starts the child fixture and resolves once it printed its first line. */
function startChild(args: readonly string[]): Promise<{ child: ChildProcess; line: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const end = out.indexOf('\n');
      if (end >= 0) resolve({ child, line: out.slice(0, end) });
    });
    child.on('error', reject);
    // After the first line this no longer matters: a settled promise ignores reject().
    child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
  });
}

describe('sqlite store', () => {
  it('reports kind sqlite, creates the parent directory and the file in WAL mode', async () => {
    const file = freshFile();
    expect(existsSync(join(file, '..'))).toBe(false);
    const store = await openSqliteStore({ file });
    try {
      expect(store.kind).toBe('sqlite');
      expect(existsSync(file)).toBe(true);
      const raw = new BetterSqlite3(file, { readonly: true });
      // journal_mode is recorded in the file, so a second connection sees it.
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      raw.close();
    } finally {
      await store.close();
    }
  });

  it('a nonce consumed through one connection is consumed for a second connection', async () => {
    const file = freshFile();
    const server = await openSqliteStore({ file });
    const cli = await openSqliteStore({ file });
    try {
      expect(await server.nonces.consume('n1', 60, NOW)).toBe(true);
      expect(await cli.nonces.consume('n1', 60, NOW)).toBe(false);
      expect(await cli.nonces.consume('n2', 60, NOW)).toBe(true);
      expect(await server.nonces.consume('n2', 60, NOW)).toBe(false);
      expect(await cli.nonces.deleteAll()).toBe(2);
      expect(await server.nonces.consume('n1', 60, NOW)).toBe(true);
    } finally {
      await server.close();
      await cli.close();
    }
  });

  it('interleaved consumes of one key from two connections: exactly one true', async () => {
    const file = freshFile();
    const a = await openSqliteStore({ file });
    const b = await openSqliteStore({ file });
    try {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          (i % 2 === 0 ? a : b).nonces.consume('contested', 60, NOW),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a unique rule holds across connections', async () => {
    const file = freshFile();
    const a = await openSqliteStore({ file });
    const b = await openSqliteStore({ file });
    try {
      await a.organizations.create({ id: 'o1', name: 'Acme', createdAt: NOW, disabledAt: null });
      const error = await b.organizations
        .create({ id: 'o2', name: 'Acme', createdAt: NOW, disabledAt: null })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(StoreConflictError);
      expect((error as StoreConflictError).constraint).toBe('organization.name');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('keeps every committed write across close and reopen', async () => {
    const file = freshFile();
    const first = await openSqliteStore({ file });
    await first.organizations.create({ id: 'o1', name: 'Acme', createdAt: NOW, disabledAt: null });
    await first.users.create({
      id: 'u1',
      login: 'alice',
      email: 'a@example.test',
      passwordHash: 'hash',
      createdAt: NOW,
      disabledAt: NOW + 1,
    });
    await first.memberships.add({ userId: 'u1', organizationId: 'o1', createdAt: NOW });
    const record = {
      id: 'c1',
      key: 'k1',
      userId: 'u1',
      organizationId: 'o1',
      secretCiphertext: 'sealed',
      status: 'disabled' as const,
      createdAt: NOW,
      secretSetAt: NOW + 2,
    };
    await first.credentials.create(record);
    expect(await first.nonces.consume('n1', 60, NOW)).toBe(true);
    expect(await first.nonces.consume('forever', -1, NOW)).toBe(true);
    await first.close();

    const second = await openSqliteStore({ file });
    try {
      expect(await second.organizations.findByName('Acme')).toEqual({
        id: 'o1',
        name: 'Acme',
        createdAt: NOW,
        disabledAt: null,
      });
      expect((await second.users.findByLogin('alice'))?.disabledAt).toBe(NOW + 1);
      expect(await second.memberships.isMember('u1', 'o1')).toBe(true);
      expect(await second.credentials.findByKey('k1')).toEqual(record);
      expect(await second.nonces.consume('n1', 60, NOW + 1)).toBe(false);
      expect(await second.nonces.consume('forever', 60, NOW + 1000)).toBe(false);
    } finally {
      await second.close();
    }
  });

  it('waits for a write lock another process holds instead of failing (busy_timeout)', async () => {
    const file = freshFile();
    const store = await openSqliteStore({ file });
    try {
      const { child, line } = await startChild(['hold-lock', file, '400']);
      expect(line).toBe('locked');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      expect(await store.nonces.consume('n1', 60, NOW)).toBe(true);
      await exited;
      expect(await store.nonces.consume('n1', 60, NOW)).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('reports which migrations ran, then none; a store opens on the migrated file', async () => {
    const file = freshFile();
    expect(await migrateSqlite({ file })).toEqual({
      applied: [
        '0001_initial',
        '0002_oauth',
        '0003_rate_counters',
        '0004_legacy_jwt',
        '0005_wsse_nonces_rowid',
        '0006_auth_data_notify',
        '0007_client_introspect_any_token',
        '0008_signing_keys_notify',
        '0009_user_session_generation',
      ],
    });
    expect(await migrateSqlite({ file })).toEqual({ applied: [] });
    const store = await openSqliteStore({ file });
    try {
      expect(await store.users.count()).toBe(0);
      // Migrating while a server holds the file open is a no-op, not an error.
      expect(await migrateSqlite({ file })).toEqual({ applied: [] });
    } finally {
      await store.close();
    }
  });

  it('several processes consuming the same keys: each key has exactly one winner', async () => {
    const file = freshFile();
    await migrateSqlite({ file });
    const outputs = await Promise.all(
      [1, 2, 3].map(() => runChild(['consume', file, 'key-', '150', String(NOW)])),
    );
    const won = outputs.flatMap((out) => JSON.parse(out) as string[]);
    expect(won).toHaveLength(150);
    expect(new Set(won).size).toBe(150);
  });

  it('a nonce consumed by a process killed with SIGKILL stays consumed (S-5)', async () => {
    const file = freshFile();
    await migrateSqlite({ file });
    const { child, line } = await startChild(['consume-and-hang', file, 'n1', String(NOW)]);
    expect(line).toBe('consumed true');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const store = await openSqliteStore({ file });
    try {
      expect(await store.nonces.consume('n1', 3600, NOW)).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('upgrades a database migrated before OAuth, keeping its rows', async () => {
    const file = freshFile();
    const db = openSqliteDatabase({ file });
    // What an earlier keygate left: only 0001, under the migrator's own bookkeeping tables.
    const { error } = await new Migrator({
      db,
      provider: { getMigrations: async () => ({ ...ALL_MIGRATIONS }) },
      migrationTableName: 'keygate_migration',
      migrationLockTableName: 'keygate_migration_lock',
    }).migrateTo('0001_initial');
    expect(error).toBeUndefined();
    await db
      .insertInto('organizations')
      .values({ id: 'o1', name: 'Acme', created_at: NOW, disabled_at: null })
      .execute();
    await db.destroy();

    expect(await migrateSqlite({ file })).toEqual({
      applied: [
        '0002_oauth',
        '0003_rate_counters',
        '0004_legacy_jwt',
        '0005_wsse_nonces_rowid',
        '0006_auth_data_notify',
        '0007_client_introspect_any_token',
        '0008_signing_keys_notify',
        '0009_user_session_generation',
      ],
    });
    const store = await openSqliteStore({ file });
    try {
      expect((await store.organizations.findById('o1'))?.name).toBe('Acme');
      expect(await store.oauthClients.list()).toEqual([]);
      expect(await store.signingKeys.list()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('0007 gives clients registered before it no permission to introspect other clients’ tokens', async () => {
    const file = freshFile();
    const db = openSqliteDatabase({ file });
    const { error } = await new Migrator({
      db,
      provider: { getMigrations: async () => ({ ...ALL_MIGRATIONS }) },
      migrationTableName: 'keygate_migration',
      migrationLockTableName: 'keygate_migration_lock',
    }).migrateTo('0006_auth_data_notify');
    expect(error).toBeUndefined();
    // A row as 0006's schema has it: no introspect_any_token column yet.
    const before = {
      client_id: 'old',
      name: 'Registered earlier',
      secret_hash: 'ab'.repeat(32),
      redirect_uris: '[]',
      grant_types: '["client_credentials"]',
      scopes: '[]',
      skip_consent: 0,
      require_pkce: 1,
      allow_plain_pkce: 0,
      scopes_version: 1,
      created_at: NOW,
      updated_at: NOW,
    };
    await db
      .insertInto('oauth_clients')
      .values(before as never)
      .execute();
    await db.destroy();

    expect(await migrateSqlite({ file })).toEqual({
      applied: [
        '0007_client_introspect_any_token',
        '0008_signing_keys_notify',
        '0009_user_session_generation',
      ],
    });
    const store = await openSqliteStore({ file });
    try {
      expect(await store.oauthClients.findByClientId('old')).toMatchObject({
        name: 'Registered earlier',
        introspectAnyToken: false,
      });
    } finally {
      await store.close();
    }
  });

  it('a refresh token rotated through one connection is already consumed for a second', async () => {
    const file = freshFile();
    const server = await openSqliteStore({ file });
    const cli = await openSqliteStore({ file });
    try {
      await seedRefreshTokens(server, 'rt', 1);
      const rotation = await server.refreshTokens.rotate('rt0', NOW + 1, refreshToken('a'), 's');
      expect(rotation.outcome).toBe('rotated');
      expect(await cli.refreshTokens.rotate('rt0', NOW + 2, refreshToken('b'), 's')).toEqual({
        outcome: 'already_consumed',
        record: refreshToken('rt0', {
          consumedAt: NOW + 1,
          successorJti: 'a',
          successorResponseSealed: 's',
        }),
      });
      expect(await cli.refreshTokens.findByJti('a')).toEqual(refreshToken('a'));
      expect(await cli.refreshTokens.findByJti('b')).toBeNull();
    } finally {
      await server.close();
      await cli.close();
    }
  });

  it('interleaved rotations and code consumptions from two connections: exactly one winner each', async () => {
    const file = freshFile();
    const a = await openSqliteStore({ file });
    const b = await openSqliteStore({ file });
    try {
      await seedRefreshTokens(a, 'rt', 1);
      await a.authorizationCodes.create({
        codeHash: 'h1',
        clientId: 'cl1',
        redirectUri: 'http://localhost:3000/cb',
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
      const [rotations, consumptions] = await Promise.all([
        Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            (i % 2 === 0 ? a : b).refreshTokens.rotate('rt0', NOW, refreshToken(`s${i}`), null),
          ),
        ),
        Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            (i % 2 === 0 ? b : a).authorizationCodes.consume('h1', NOW),
          ),
        ),
      ]);
      expect(rotations.filter((r) => r.outcome === 'rotated')).toHaveLength(1);
      expect(rotations.filter((r) => r.outcome === 'already_consumed')).toHaveLength(49);
      expect(consumptions.filter((r) => r.outcome === 'consumed')).toHaveLength(1);
      expect(consumptions.filter((r) => r.outcome === 'already_consumed')).toHaveLength(49);
      const rows = refreshTokenRows(file);
      expect(rows).toHaveLength(2);
      const successorJti = rows.find((r) => r.jti === 'rt0')?.successor_jti;
      expect(rows.map((r) => r.jti).sort()).toEqual(['rt0', successorJti].sort());
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('several processes rotating the same refresh tokens: each has exactly one successor', async () => {
    const file = freshFile();
    const store = await openSqliteStore({ file });
    try {
      await seedRefreshTokens(store, 'rt', 100);
    } finally {
      await store.close();
    }
    const tags = ['p1', 'p2', 'p3'];
    const outputs = await Promise.all(
      tags.map((tag) => runChild(['rotate', file, 'rt', '100', tag, String(NOW)])),
    );
    const won = outputs.flatMap((out) => JSON.parse(out) as string[]);
    expect(won).toHaveLength(100);
    expect(new Set(won).size).toBe(100);

    const rows = refreshTokenRows(file);
    expect(rows).toHaveLength(200);
    const jtis = new Set(rows.map((r) => r.jti));
    for (let i = 0; i < 100; i++) {
      const predecessor = rows.find((r) => r.jti === `rt${i}`);
      const successorJti = predecessor?.successor_jti ?? '';
      // The successor that exists is the one the predecessor names, written by the same
      // process that recorded its sealed response.
      expect(jtis.has(successorJti)).toBe(true);
      expect(successorJti).toBe(`${predecessor?.successor_response_sealed}:rt${i}`);
    }
  });

  it('a refresh token rotated by a process killed with SIGKILL stays rotated (S-5)', async () => {
    const file = freshFile();
    const seeded = await openSqliteStore({ file });
    try {
      await seedRefreshTokens(seeded, 'rt', 1);
    } finally {
      await seeded.close();
    }
    const { child, line } = await startChild(['rotate-and-hang', file, 'rt0', 'next', String(NOW)]);
    expect(line).toBe('rotated rotated');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const store = await openSqliteStore({ file });
    try {
      const again = await store.refreshTokens.rotate('rt0', NOW + 1, refreshToken('other'), null);
      expect(again.outcome).toBe('already_consumed');
      expect(again.outcome === 'already_consumed' && again.record.successorJti).toBe('next');
      expect((await store.refreshTokens.findByJti('next'))?.consumedAt).toBeNull();
      expect(await store.refreshTokens.findByJti('other')).toBeNull();
    } finally {
      await store.close();
    }
  });

  it('a transaction on one connection does not stall a write on another in the same process', async () => {
    // Regression: better-sqlite3 blocked the thread in the busy handler while the other
    // connection's transaction waited on an await, so the write failed with SQLITE_BUSY (503)
    // after busy_timeout. The in-process file lock makes them take turns.
    const file = freshFile();
    const a = await openSqliteStore({ file });
    const b = await openSqliteStore({ file });
    try {
      await a.signingKeys.create({
        kid: 'k1',
        alg: 'ES256',
        publicJwk: '{}',
        privateJwkSealed: 'sealed',
        createdAt: NOW,
        activatesAt: NOW,
        retiredAt: null,
      });
      const outcomes = await Promise.allSettled([
        a.signingKeys.resealAll((k) => `resealed(${k.privateJwkSealed})`),
        b.nonces.consume('n1', 60, NOW),
        b.signingKeys.retire('k1', NOW + 1),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      expect(await b.signingKeys.list()).toEqual([
        expect.objectContaining({ privateJwkSealed: 'resealed(sealed)', retiredAt: NOW + 1 }),
      ]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
