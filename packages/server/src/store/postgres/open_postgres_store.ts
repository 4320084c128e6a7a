import { countAuthDataWrites } from '../count_auth_data_writes.js';
import type { Store } from '../port.js';
import { createSqlStore } from '../sql/create_sql_store.js';
import type { MigrateOptions } from '../sql/migrate_to_latest.js';
import { migratePostgres } from './migrate_postgres.js';
import { openPostgresDatabase } from './open_postgres_database.js';
import {
  openPostgresDataVersion,
  type PostgresDataVersionOptions,
} from './postgres_data_version.js';
import type { PostgresOptions } from './postgres_options.js';
import { translatePostgresError } from './translate_postgres_error.js';

/**
 * Opens the PostgreSQL store (kind `postgres`, S-2): brings the schema to the latest migration
 * (waiting for any other process migrating the same database), then returns the shared SQL
 * implementation of the port on a connection pool (see `openPostgresDatabase` for its size and
 * timeouts). Every single-use rule is one statement or one transaction in the database, so it
 * holds across any number of keygate processes sharing it. Its `dataVersion` listens for the
 * notifications the database sends when authentication data changes, and moves on at once
 * after writes through this store (see `openPostgresDataVersion`). `close()` ends the pool and
 * the listening session; `ping()` commits a write (see `createSqlStore`) and rejects with
 * `StoreNotReadyError` when the database does not answer or refuses writes (a standby).
 * @param options - URL, pool size and timeout.
 * @param dataVersionOptions - the clock of `dataVersion`'s time bucket (tests hold it still), and
 *   `onEvent`, told when the listening session is lost and when it listens again.
 * @param migrateOptions - `requireSchema` refuses a database keygate never set up.
 * @throws MissingSchemaError (with `requireSchema`), the driver's error when the database
 *   cannot be reached, or an Error naming the failed migration.
 */
export async function openPostgresStore(
  options: PostgresOptions,
  dataVersionOptions: PostgresDataVersionOptions = {},
  migrateOptions: MigrateOptions = {},
): Promise<Store> {
  await migratePostgres(options, migrateOptions);
  const db = openPostgresDatabase(options);
  const version = openPostgresDataVersion(options, dataVersionOptions);
  const store = createSqlStore({
    kind: 'postgres',
    db,
    translateError: translatePostgresError,
    dataVersion: version.read,
    onClose: version.close,
  });
  return countAuthDataWrites(store, version.noteWrite);
}
