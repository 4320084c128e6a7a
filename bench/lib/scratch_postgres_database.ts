import {
  createScratchDatabase,
  POSTGRES_ADMIN_URL,
  type ScratchDatabase,
  withPostgresClient,
} from '../../packages/server/test/support/scratch_postgres.js';
import type { CleanupStack } from './cleanup_stack.js';

/**
 * The database scratch databases are created through and dropped through (the role needs
 * CREATEDB): `BENCH_POSTGRES_URL`, else the test suite's (`KEYGATE_TEST_POSTGRES_URL`, by
 * default `postgres://postgres@127.0.0.1:5432/test`).
 */
export const BENCH_POSTGRES_ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? POSTGRES_ADMIN_URL;

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
export interface ScratchPostgresDatabase extends Pick<ScratchDatabase, 'name' | 'url'> {
  /** Reads its counters; PostgreSQL publishes them with a delay of up to a second. */
  activity(): Promise<DatabaseActivity>;
}

/**
 * Creates an empty database `keygate_bench_<random>` on the server of
 * {@link BENCH_POSTGRES_ADMIN_URL} with the test suite's scratch-database helper, and
 * registers its drop (ending the sessions still connected) on `cleanup`.
 * @throws Error when PostgreSQL cannot be reached or refuses to create it.
 */
export async function createScratchPostgresDatabase(
  cleanup: CleanupStack,
): Promise<ScratchPostgresDatabase> {
  const database = await createScratchDatabase({
    namePrefix: 'keygate_bench',
    adminUrl: BENCH_POSTGRES_ADMIN_URL,
  });
  const { name } = database;
  cleanup.add(`drop database ${name}`, () => database.drop());
  return {
    name,
    url: database.url,
    async activity() {
      // Read through the maintenance database: a session on the scratch database would add
      // its own transactions to the counters and its own backend to the CPU figures.
      const rows = await withPostgresClient(BENCH_POSTGRES_ADMIN_URL, async (client) => {
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
