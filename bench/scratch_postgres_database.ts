import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { CleanupStack } from './cleanup_stack.js';

/**
 * The database scratch databases are created through and dropped through (the role needs
 * CREATEDB). Override with `BENCH_POSTGRES_URL`.
 */
export const BENCH_POSTGRES_ADMIN_URL =
  process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** What PostgreSQL counted for one database so far (`pg_stat_database`). */
export interface DatabaseActivity {
  /** Committed plus rolled-back transactions: each statement outside a transaction is one. */
  readonly transactions: number;
  readonly rowsInserted: number;
  readonly rowsUpdated: number;
  /** Rows returned by index and sequential scans. */
  readonly rowsRead: number;
}

/** A database of the benchmark's own, dropped at exit. */
export interface ScratchPostgresDatabase {
  /** `keygate_bench_<random>`. */
  readonly name: string;
  /** Its URL, for `KEYGATE_DATABASE_URL`. */
  readonly url: string;
  /** Reads its counters; PostgreSQL publishes them with a delay of up to a second. */
  activity(): Promise<DatabaseActivity>;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database `keygate_bench_<random>` on the server of
 * {@link BENCH_POSTGRES_ADMIN_URL} and registers its drop (ending the sessions still
 * connected) on `cleanup`.
 * @throws Error when PostgreSQL cannot be reached or refuses to create it.
 */
export async function createScratchPostgresDatabase(
  cleanup: CleanupStack,
): Promise<ScratchPostgresDatabase> {
  const name = `keygate_bench_${randomBytes(6).toString('hex')}`;
  await withClient(BENCH_POSTGRES_ADMIN_URL, (client) => client.query(`create database ${name}`));
  cleanup.add(`drop database ${name}`, async () => {
    await withClient(BENCH_POSTGRES_ADMIN_URL, (client) =>
      client.query(`drop database if exists ${name} with (force)`),
    );
  });
  const url = new URL(BENCH_POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async activity() {
      const rows = await withClient(BENCH_POSTGRES_ADMIN_URL, async (client) => {
        // A fresh snapshot, not the one cached for this transaction.
        await client.query('select pg_stat_clear_snapshot()');
        return (
          await client.query<Record<string, string>>(
            `select xact_commit + xact_rollback as transactions, tup_inserted, tup_updated,
                    tup_returned + tup_fetched as rows_read
               from pg_stat_database where datname = $1`,
            [name],
          )
        ).rows;
      });
      const row = rows[0];
      if (!row) throw new Error(`pg_stat_database has no row for ${name}`);
      return {
        transactions: Number(row.transactions),
        rowsInserted: Number(row.tup_inserted),
        rowsUpdated: Number(row.tup_updated),
        rowsRead: Number(row.rows_read),
      };
    },
  };
}
