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

/** A database created for one test file, and how to get rid of it. */
export interface ScratchDatabase {
  /** `keygate_test_<random>`. */
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

/** The admin URL with its database replaced by `name`. */
function urlFor(name: string): string {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
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
    await withClient(POSTGRES_ADMIN_URL, (client) => client.query('select 1'));
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
 * Creates an empty database `keygate_test_<random>` on the server of
 * {@link POSTGRES_ADMIN_URL}; drop it in `afterAll`.
 */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const name = `keygate_test_${randomBytes(6).toString('hex')}`;
  await withClient(POSTGRES_ADMIN_URL, (client) => client.query(`create database ${name}`));
  const url = urlFor(name);
  return {
    name,
    url,
    async query(text, values) {
      return withClient(url, async (client) => (await client.query(text, values)).rows);
    },
    async drop() {
      await withClient(POSTGRES_ADMIN_URL, (client) =>
        client.query(`drop database if exists ${name} with (force)`),
      );
    },
  };
}
