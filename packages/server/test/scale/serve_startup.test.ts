import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/open_sqlite_store.js';
import { childEnv, KEYGATE_BIN, startKeygateProcess } from '../support/keygate_process.js';
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
import { waitUntil } from '../support/wait_until.js';

/** Runs `keygate serve` until it listens, then stops it; returns its log lines (stdout). */
async function serveLogs(env: Record<string, string>): Promise<Record<string, unknown>[]> {
  const child = spawn(process.execPath, [KEYGATE_BIN, 'serve', '--port', '0'], {
    env: childEnv({ KEYGATE_LOG_LEVEL: 'info', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('keygate listening on')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`keygate exited (${code}): ${stderr}`)));
    });
    // The listening log line comes before the stderr banner; wait until it is read in full.
    await waitUntil('the listening log line', async () => stdout.includes('server.listening'));
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function storeWarnings(lines: Record<string, unknown>[]): string[] {
  return lines.filter((l) => l.event === 'store.unsafe_setting').map((l) => String(l.msg));
}

/**
 * `keygate serve` warns at start, in its log (never on a CLI command's stdout), when Redis
 * keeps no append-only file: a Redis restart would forget consumed nonces (S-5).
 */
describe.runIf(requireRedisServerBinary())('keygate serve: Redis persistence warning', () => {
  const redises: RedisServerProcess[] = [];
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-serve-warn-'));
  });
  afterAll(async () => {
    await Promise.all(redises.map((redis) => redis.dispose()));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('warns once when Redis runs without appendonly, naming the fix (S-5)', async () => {
    const redis = await startRedisServer();
    redises.push(redis);
    const lines = await serveLogs({ KEYGATE_DATA_DIR: dataDir, KEYGATE_REDIS_URL: redis.url });
    const warnings = storeWarnings(lines);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`Redis at ${redis.url} keeps no append-only file`);
    expect(warnings[0]).toContain('set appendonly yes');
    expect(lines.find((l) => l.event === 'store.unsafe_setting')?.level).toBe(40);
  });

  it('says nothing when Redis keeps an append-only file', async () => {
    const redis = await startRedisServer(['--appendonly', 'yes']);
    redises.push(redis);
    const lines = await serveLogs({ KEYGATE_DATA_DIR: dataDir, KEYGATE_REDIS_URL: redis.url });
    expect(lines.some((l) => l.event === 'server.listening')).toBe(true);
    expect(storeWarnings(lines)).toEqual([]);
  });

  it('says nothing without Redis', async () => {
    const lines = await serveLogs({ KEYGATE_DATA_DIR: dataDir });
    expect(lines.some((l) => l.event === 'server.listening')).toBe(true);
    expect(storeWarnings(lines)).toEqual([]);
  });
});

function configWarningsIn(lines: Record<string, unknown>[]): string[] {
  return lines.filter((l) => l.event === 'config.unsafe_default').map((l) => String(l.msg));
}

/**
 * Processes sharing one PostgreSQL database must share the issuer (S-2): each accepts only
 * tokens naming its own, and the default `http://<host>:<port>` differs between them. So
 * `keygate serve` on PostgreSQL warns at start when `KEYGATE_ISSUER` is unset.
 */
describe.runIf(await requirePostgres())('keygate serve: issuer warning on PostgreSQL', () => {
  let database: ScratchDatabase;
  let dataDir: string;
  beforeAll(async () => {
    database = await createScratchDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-serve-issuer-'));
  });
  afterAll(async () => {
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('warns, naming KEYGATE_ISSUER, when the issuer is defaulted; not when it is set', async () => {
    const env = { KEYGATE_DATA_DIR: dataDir, KEYGATE_DATABASE_URL: database.url };
    const defaulted = configWarningsIn(await serveLogs(env)).filter((w) =>
      w.includes('KEYGATE_ISSUER'),
    );
    expect(defaulted).toHaveLength(1);
    expect(defaulted[0]).toMatch(/^issuer defaults to http:\/\/127\.0\.0\.1:\d+, /);
    expect(defaulted[0]).toContain('set KEYGATE_ISSUER to the public URL shared by every instance');

    const configured = await serveLogs({ ...env, KEYGATE_ISSUER: 'http://127.0.0.1:8080' });
    expect(configured.some((l) => l.event === 'server.listening')).toBe(true);
    expect(configWarningsIn(configured).filter((w) => w.includes('KEYGATE_ISSUER'))).toEqual([]);
  });
});

/**
 * `keygate serve` sweeps what only grows (at start and then every 10 minutes): expired nonces
 * (W-6), ended rate-limit windows, expired revocations, idle legacy refresh tokens (L-3)
 * and token families nothing can use any more (O-9); live rows stay.
 */
describe('keygate serve: housekeeping at start', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-serve-purge-'));
  });
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('purges expired nonces, revocations, idle legacy refresh tokens and dead token families, keeps live ones', async () => {
    const env = { KEYGATE_DATA_DIR: dataDir };
    // First start: creates the database, the admin and the default organization.
    await (await startKeygateProcess([], { env })).stop();

    const file = join(dataDir, 'keygate.sqlite');
    const now = Math.floor(Date.now() / 1000);
    const idle = 2_592_000;
    const store = await openSqliteStore({ file });
    try {
      const admin = await store.users.findByLogin('admin');
      const organization = await store.organizations.findByName('default');
      if (!admin || !organization) throw new Error('no first-start admin');
      const legacy = (id: string, lastUsedAt: number) => ({
        id,
        tokenHash: `hash-${id}`,
        userId: admin.id,
        organizationId: organization.id,
        createdAt: lastUsedAt,
        lastUsedAt,
        revokedAt: null,
      });
      await store.legacyRefreshTokens.create(legacy('idle', now - idle - 60));
      await store.legacyRefreshTokens.create(legacy('live', now - 60));
      await store.revokedAccessTokens.add('expired-jti', now - 60);
      await store.revokedAccessTokens.add('live-jti', now + 3600);
      expect(await store.nonces.consume('old-nonce', 10, now - 3600)).toBe(true);
      expect(await store.nonces.consume('new-nonce', 3600, now)).toBe(true);
      await store.counters.increment('ended-window', 60, now - 3600);
      await store.counters.increment('live-window', 3600, now);
      // Token families: one whose refresh tokens all expired a week ago, one still in use.
      await store.oauthClients.create({
        clientId: 'cl1',
        name: 'App',
        secretHash: 'ab'.repeat(32),
        redirectUris: ['https://app.example.test/callback'],
        grantTypes: ['authorization_code', 'refresh_token'],
        scopes: [],
        skipConsent: false,
        requirePkce: true,
        allowPlainPkce: false,
        introspectAnyToken: false,
        scopesVersion: 1,
        createdAt: now - 30 * 86_400,
        updatedAt: now - 30 * 86_400,
      });
      for (const [family, expiresAt] of [
        ['gone', now - 7 * 86_400],
        ['kept', now + 86_400],
      ] as const) {
        await store.tokenFamilies.create({
          id: family,
          clientId: 'cl1',
          userId: admin.id,
          organizationId: organization.id,
          createdAt: now - 20 * 86_400,
          revokedAt: null,
        });
        await store.refreshTokens.create({
          jti: `rt-${family}`,
          familyId: family,
          clientId: 'cl1',
          userId: admin.id,
          organizationId: organization.id,
          scope: '',
          clientScopesVersion: 1,
          issuedAt: now - 12 * 86_400,
          expiresAt,
          consumedAt: null,
          successorJti: null,
          successorResponseSealed: null,
        });
      }
    } finally {
      await store.close();
    }
    const rows = (table: 'wsse_nonces' | 'rate_counters') => {
      const db = new Database(file, { readonly: true });
      try {
        return (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    expect(rows('wsse_nonces')).toBe(2);
    expect(rows('rate_counters')).toBe(2);

    const server = await startKeygateProcess([], { env });
    try {
      const check = await openSqliteStore({ file });
      try {
        await waitUntil(
          'the start-up purge',
          async () =>
            (await check.legacyRefreshTokens.findById('idle')) === null &&
            !(await check.revokedAccessTokens.isRevoked('expired-jti')) &&
            (await check.tokenFamilies.findById('gone')) === null &&
            rows('wsse_nonces') === 1 &&
            rows('rate_counters') === 1,
        );
        expect(await check.legacyRefreshTokens.findById('live')).not.toBeNull();
        expect(await check.refreshTokens.findByJti('rt-gone')).toBeNull();
        expect(await check.refreshTokens.findByJti('rt-kept')).not.toBeNull();
        expect(await check.tokenFamilies.findById('kept')).not.toBeNull();
        expect(await check.revokedAccessTokens.isRevoked('live-jti')).toBe(true);
        expect(await check.nonces.consume('new-nonce', 3600, now)).toBe(false);
        expect(await check.counters.increment('live-window', 3600, now)).toMatchObject({
          count: 2,
        });
      } finally {
        await check.close();
      }
    } finally {
      await server.stop();
    }
  });
});

/**
 * The data directory holds password hashes, sealed secrets and token state (W-9): `keygate
 * serve` used to create it 0755 and `keygate.sqlite`, `-wal` and `-shm` 0644, readable by
 * every local user, and said nothing about a directory made beforehand with such a mode.
 */
describe.skipIf(process.platform === 'win32')(
  'keygate serve: data files readable by others',
  () => {
    let root: string;
    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), 'keygate-serve-modes-'));
    });
    afterAll(async () => {
      if (root) await rm(root, { recursive: true, force: true });
    });

    it('creates the data directory 0700 and keygate.sqlite, -wal and -shm 0600', async () => {
      const dataDir = join(root, 'fresh');
      const server = await startKeygateProcess([], { env: { KEYGATE_DATA_DIR: dataDir } });
      try {
        const modes: Record<string, string> = {};
        for (const name of ['.', 'keygate.sqlite', 'keygate.sqlite-wal', 'keygate.sqlite-shm']) {
          modes[name] = ((await stat(join(dataDir, name))).mode & 0o777).toString(8);
        }
        expect(modes).toEqual({
          '.': '700',
          'keygate.sqlite': '600',
          'keygate.sqlite-wal': '600',
          'keygate.sqlite-shm': '600',
        });
      } finally {
        await server.stop();
      }
    });

    it('warns about a data directory open to group or others, not about a private one', async () => {
      const shared = join(root, 'shared');
      await mkdir(shared);
      await chmod(shared, 0o755);
      const lines = await serveLogs({ KEYGATE_DATA_DIR: shared });
      const warnings = lines.filter((l) => l.event === 'data_dir.unsafe_permissions');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.level).toBe(40);
      expect(String(warnings[0]?.msg)).toContain(
        `permissions 0755 for the data directory ${shared}`,
      );
      expect(String(warnings[0]?.msg)).toContain(`run chmod 700 ${shared}`);

      const created = await serveLogs({ KEYGATE_DATA_DIR: join(root, 'created') });
      expect(created.some((l) => l.event === 'server.listening')).toBe(true);
      expect(created.filter((l) => l.event === 'data_dir.unsafe_permissions')).toEqual([]);
    });
  },
);
