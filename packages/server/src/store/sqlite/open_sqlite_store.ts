import type { Store } from '../port.js';
import { createSqlStore } from '../sql/create_sql_store.js';
import { migrateToLatest } from '../sql/migrate_to_latest.js';
import { openSqliteDatabase, type SqliteFileOptions } from './open_sqlite_database.js';
import { translateSqliteError } from './translate_sqlite_error.js';

/**
 * Opens the embedded SQLite store (kind `sqlite`, S-1): creates the file and its directory on
 * first use, configures the connection (WAL, `synchronous = NORMAL`, foreign keys, 5 s busy
 * timeout; see `openSqliteDatabase`), brings the schema to the latest migration, and returns
 * the shared SQL implementation of the port on it. `close()` closes the database; `ping()`
 * runs `select 1` and rejects with `StoreUnavailableError` on failure.
 * @param options - the database file, e.g. `./data/keygate.sqlite`.
 * @throws the driver's error when the file cannot be opened, or an Error naming the failed
 *   migration; the connection is closed in both cases.
 */
export async function openSqliteStore(options: SqliteFileOptions): Promise<Store> {
  const db = openSqliteDatabase(options);
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createSqlStore({ kind: 'sqlite', db, translateError: translateSqliteError });
}
