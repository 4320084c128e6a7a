import { type MigrationReport, migrateToLatest } from '../sql/migrate_to_latest.js';
import { openSqliteDatabase, type SqliteFileOptions } from './open_sqlite_database.js';

/**
 * Runs pending migrations on a SQLite file and closes it again (`keygate migrate`). Creates
 * the file if it does not exist. Safe while a server has the file open: the migration waits
 * for the write lock and skips what is already applied.
 * @param options - the database file.
 * @returns the names of the migrations this run applied (empty when up to date).
 * @throws the driver's error when the file cannot be opened, or an Error naming the failed
 *   migration (its changes rolled back).
 */
export async function migrateSqlite(options: SqliteFileOptions): Promise<MigrationReport> {
  const db = openSqliteDatabase(options);
  try {
    return await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
}
