import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreConflictError } from '../../src/store/port.js';
import { migrateSqlite } from '../../src/store/sqlite/migrate_sqlite.js';
import { openSqliteStore } from '../../src/store/sqlite/open_sqlite_store.js';
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
  const file = freshFile();
  const store = await openSqliteStore({ file });
  return {
    store,
    async cleanup() {
      await store.close();
      rmSync(join(file, '..'), { recursive: true, force: true });
    },
  };
});

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
    expect(await migrateSqlite({ file })).toEqual({ applied: ['0001_initial'] });
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
});
