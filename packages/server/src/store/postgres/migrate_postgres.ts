import {
  type MigrateOptions,
  type MigrationReport,
  migrateToLatest,
} from '../sql/migrate_to_latest.js';
import { openPostgresDatabase } from './open_postgres_database.js';
import type { PostgresOptions } from './postgres_options.js';

/**
 * Statement timeout while migrating: Kysely's migrator waits in `pg_advisory_lock` while
 * another process migrates, and `statement_timeout` would cut that wait short.
 */
const MIGRATION_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * Runs pending migrations on a PostgreSQL database and closes the connection again (`keygate
 * migrate`, and `keygate serve` on start). Safe from several processes at once: Kysely's
 * migrator holds a session-level advisory lock on one connection while it reads what is
 * applied and runs the rest in one transaction, so a second process waits, then finds
 * everything applied and does nothing.
 * @param options - the database URL and connection timeout (one connection; statements may run
 *   for up to 10 minutes).
 * @param migrateOptions - `requireSchema` refuses a database keygate never set up.
 * @returns the names of the migrations this run applied (empty when up to date).
 * @throws MissingSchemaError (with `requireSchema`), Error naming the failed migration (rolled
 *   back), or the driver's error when the database cannot be reached.
 */
export async function migratePostgres(
  options: PostgresOptions,
  migrateOptions: MigrateOptions = {},
): Promise<MigrationReport> {
  const db = openPostgresDatabase(
    {
      url: options.url,
      poolSize: 1,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    },
    MIGRATION_TIMEOUT_MS,
  );
  try {
    return await migrateToLatest(db, migrateOptions);
  } finally {
    await db.destroy();
  }
}
