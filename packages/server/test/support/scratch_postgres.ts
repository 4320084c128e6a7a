import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { redactDatabaseUrl } from '../../src/store/postgres/redact_database_url.js';
import { requireOrSkip } from './external_tools.js';

/**
 * The maintenance database scratch databases are created from and dropped through. Override
 * with `KEYGATE_TEST_POSTGRES_URL` (any database the role may connect to; the role needs
 * CREATEDB).
 */
export const POSTGRES_ADMIN_URL =
  process.env.KEYGATE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A database created for one test file (or one benchmark run), and how to get rid of it. */
export interface ScratchDatabase {
  /** `<namePrefix>_<random>`, `keygate_test_<random>` by default. */
  readonly name: string;
  /** URL of the scratch database, for `KEYGATE_DATABASE_URL` or `openPostgresStore`. */
  readonly url: string;
  /** Runs one statement on the scratch database over a fresh connection (counting rows …). */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<R[]>;
  /** Drops the database, ending any session still connected to it. */
  drop(): Promise<void>;
}

/** Where {@link createScratchDatabase} creates a database, and what it calls it. */
export interface ScratchDatabaseOptions {
  /** The database's name is this, `_` and 12 random hex digits. Default `keygate_test`. */
  readonly namePrefix?: string;
  /**
   * The maintenance database it is created and dropped through. Default
   * {@link POSTGRES_ADMIN_URL}.
   */
  readonly adminUrl?: string;
}

/** `adminUrl` with its database replaced by `name`. */
function urlFor(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Runs `work` on a fresh connection to `url` (3 s to connect), closed afterwards whatever
 * happens.
 */
export async function withPostgresClient<T>(
  url: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** True when the PostgreSQL server at {@link POSTGRES_ADMIN_URL} accepts a connection. */
export async function postgresAvailable(): Promise<boolean> {
  try {
    await withPostgresClient(POSTGRES_ADMIN_URL, (client) => client.query('select 1'));
    return true;
  } catch {
    return false;
  }
}

/**
 * For `describe.runIf(await requirePostgres())`: true when PostgreSQL answers; otherwise says
 * loudly that the tests are skipped, or throws when `KEYGATE_REQUIRE_SERVICES=1`.
 */
export async function requirePostgres(): Promise<boolean> {
  return requireOrSkip(
    `PostgreSQL (${redactDatabaseUrl(POSTGRES_ADMIN_URL)})`,
    await postgresAvailable(),
  );
}

/**
 * Creates an empty database `keygate_test_<random>` (see {@link ScratchDatabaseOptions}) on
 * the server of {@link POSTGRES_ADMIN_URL}; drop it in `afterAll`.
 */
export async function createScratchDatabase(
  options: ScratchDatabaseOptions = {},
): Promise<ScratchDatabase> {
  const adminUrl = options.adminUrl ?? POSTGRES_ADMIN_URL;
  const name = `${options.namePrefix ?? 'keygate_test'}_${randomBytes(6).toString('hex')}`;
  await withPostgresClient(adminUrl, (client) => client.query(`create database ${name}`));
  const url = urlFor(adminUrl, name);
  return {
    name,
    url,
    async query(text, values) {
      return withPostgresClient(url, async (client) => (await client.query(text, values)).rows);
    },
    async drop() {
      await withPostgresClient(adminUrl, (client) =>
        client.query(`drop database if exists ${name} with (force)`),
      );
    },
  };
}
