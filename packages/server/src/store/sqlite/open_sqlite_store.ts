import type { Store } from '../port.js';
import { createSqlStore } from '../sql/create_sql_store.js';
import { type MigrateOptions, migrateToLatest } from '../sql/migrate_to_latest.js';
import { openSqliteDatabase, type SqliteFileOptions } from './open_sqlite_database.js';
import { openSqliteNonceWriter, type SqliteNonceWriter } from './sqlite_nonce_writer.js';
import { translateSqliteError } from './translate_sqlite_error.js';
import { watchDatabaseFileIdentity } from './watch_database_file_identity.js';

/**
 * Opens the embedded SQLite store (kind `sqlite`, S-1): creates the file and its directory on
 * first use, configures the connection (WAL, `synchronous = NORMAL`, foreign keys, 5 s busy
 * timeout; see `openSqliteDatabase`), brings the schema to the latest migration, and returns
 * the shared SQL implementation of the port on it. A second connection
 * (`openSqliteNonceWriter`) runs the shared nonce upsert with group commit, keeps WAL
 * checkpoints out of individual commits by batching them once a second (each still runs on,
 * and blocks, the event-loop thread), and provides `dataVersion` for authentication caches.
 * `close()` commits what is queued and closes both connections; `ping()` also fails once the
 * database file was deleted or replaced under the server (`watchDatabaseFileIdentity`), then
 * commits a write (see `createSqlStore`), and rejects with `StoreNotReadyError` on failure.
 * @param options - the database file, e.g. `./data/keygate.sqlite`.
 * @param migrateOptions - `requireSchema` refuses a file keygate never set up.
 * @throws MissingSchemaError (with `requireSchema`), the driver's error when the file cannot be
 *   opened, or an Error naming the failed migration; the connection is closed in each case.
 */
export async function openSqliteStore(
  options: SqliteFileOptions,
  migrateOptions: MigrateOptions = {},
): Promise<Store> {
  const db = openSqliteDatabase(options);
  let writer: SqliteNonceWriter;
  let checkReady: () => void;
  try {
    await migrateToLatest(db, migrateOptions);
    writer = openSqliteNonceWriter({ file: options.file });
    checkReady = watchDatabaseFileIdentity(options.file);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createSqlStore({
    kind: 'sqlite',
    db,
    translateError: translateSqliteError,
    nonceRunner: writer,
    dataVersion: writer.dataVersion,
    onClose: writer.close,
    checkReady,
  });
}
