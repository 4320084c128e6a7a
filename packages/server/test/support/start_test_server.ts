import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { createUsernameTokenSync } from '@keygate/wsse/node';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { AdminDeps } from '../../src/core/admin/admin_deps.js';
import { issueApiCredential } from '../../src/core/admin/api_credentials.js';
import { createOrganization } from '../../src/core/admin/organizations.js';
import { createUser } from '../../src/core/admin/users.js';
import type { KeygateConfig } from '../../src/core/config/keygate_config.js';
import { type RawConfig, validateConfig } from '../../src/core/config/validate_config.js';
import { ensureSigningKey } from '../../src/core/signing_keys/ensure_signing_key.js';
import { buildApp } from '../../src/http/build_app.js';
import { composeServices } from '../../src/runtime/compose_services.js';
import { findFreePort } from '../../src/runtime/find_free_port.js';
import { MasterKeyFile } from '../../src/secrets/master_key_file.js';
import { MasterKeyring } from '../../src/secrets/master_keyring.js';
import type { Store } from '../../src/store/port.js';
import { openPostgresStore } from '../../src/store/postgres/open_postgres_store.js';
import { openRedisReplayStore } from '../../src/store/redis/open_redis_replay_store.js';
import { withRedisReplayStore } from '../../src/store/redis/with_redis_replay_store.js';
import { openSqliteStore } from '../../src/store/sqlite/open_sqlite_store.js';
import { uniqueKeyPrefix } from './redis_server.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch_postgres.js';
import { createScratchSqliteStore } from './scratch_sqlite_store.js';
import { createTestClock, type TestClock } from './test_clock.js';

/** A keygate listening on a free loopback port, in this process. */
export interface TestServer extends AdminDeps {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly secrets: MasterKeyring;
  readonly clock: TestClock;
  readonly config: KeygateConfig;
  /** The SQLite file, when the store is SQLite (the default). */
  readonly sqliteFile: string | null;
  close(): Promise<void>;
}

/** Options for `startTestServer`. */
export interface TestServerOptions {
  /**
   * `sqlite` (default): a scratch store (`scratch_sqlite_store.ts`); `postgres`: a scratch
   * database (`scratch_postgres.ts`). Either is removed by `close()`.
   */
  readonly store?: 'sqlite' | 'postgres';
  /**
   * SQLite only: the directory to keep the database and master key file in (e.g. a small
   * tmpfs); the caller owns it. Default: the scratch store's directory.
   */
  readonly sqliteDir?: string;
  readonly config?: RawConfig;
  readonly clockStartMs?: number;
  /** Nonces and counters in this Redis (under a key prefix of their own), as with `redisUrl`. */
  readonly redisUrl?: string;
  /** Collects every log line (JSON, level debug and up) here; default: no logging. */
  readonly logLines?: string[];
}

/** Starts an in-process keygate with a frozen clock on 127.0.0.1 and a random port. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  // The port is chosen first so the issuer (and token audience) name the real address.
  const port = await findFreePort('127.0.0.1');
  const config = validateConfig({ port, logLevel: 'silent', ...options.config });
  const clock = createTestClock(options.clockStartMs);
  let dir: string | null = null;
  let sqliteFile: string | null = null;
  let scratch: ScratchDatabase | null = null;
  let store: Store;
  if (options.store === 'postgres') {
    scratch = await createScratchDatabase();
    store = await openPostgresStore({ url: scratch.url });
  } else if (options.sqliteDir !== undefined) {
    dir = options.sqliteDir;
    sqliteFile = join(dir, 'keygate.sqlite');
    store = await openSqliteStore({ file: sqliteFile });
  } else {
    const scratchStore = await createScratchSqliteStore();
    sqliteFile = scratchStore.file;
    dir = dirname(sqliteFile);
    store = scratchStore;
  }
  if (options.redisUrl !== undefined) {
    const redis = await openRedisReplayStore({
      url: options.redisUrl,
      keyPrefix: uniqueKeyPrefix('test-server'),
    });
    store = withRedisReplayStore(store, redis);
  }
  const masterKey = new Uint8Array(randomBytes(32));
  // A SQLite server's directory is a real data directory: `keygate` commands can open it.
  if (dir !== null) await new MasterKeyFile(dir).create([masterKey]);
  const secrets = new MasterKeyring([masterKey]);
  await ensureSigningKey({ store, secrets, now: clock.now });
  const app = await buildApp(
    composeServices({
      config,
      store,
      secrets,
      logger: options.logLines
        ? pino({ level: 'debug' }, { write: (line: string) => options.logLines?.push(line) })
        : pino({ level: 'silent' }),
      now: clock.now,
    }),
  );
  await app.listen({ host: '127.0.0.1', port });
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    store,
    secrets,
    clock,
    config,
    sqliteFile,
    now: clock.now,
    async close() {
      await app.close();
      await store.close();
      await scratch?.drop();
    },
  };
}

/** An API credential created for tests, with its plain secret. */
export interface SeededCredential {
  readonly login: string;
  readonly organization: string;
  readonly key: string;
  readonly secret: string;
  readonly credentialId: string;
}

/**
 * Creates (or reuses) an organization and user and issues them an API key, through the same
 * admin operations the CLI uses.
 */
export async function seedCredential(
  deps: AdminDeps,
  login = 'alice',
  organization = 'acme',
): Promise<SeededCredential> {
  if (!(await deps.store.organizations.findByName(organization))) {
    await createOrganization(deps, organization);
  }
  if (!(await deps.store.users.findByLogin(login))) {
    await createUser(deps, { login, organization });
  }
  const issued = await issueApiCredential(deps, login, organization);
  return {
    login,
    organization,
    key: issued.credential.key,
    secret: issued.secret,
    credentialId: issued.credential.id,
  };
}

/** A fresh X-WSSE header for `credential`, created at the test server's clock. */
export function wsseHeader(
  server: Pick<TestServer, 'clock'>,
  credential: Pick<SeededCredential, 'key' | 'secret'>,
): string {
  return createUsernameTokenSync({
    username: credential.key,
    secret: credential.secret,
    now: () => new Date(server.clock.now()),
  }).header;
}
