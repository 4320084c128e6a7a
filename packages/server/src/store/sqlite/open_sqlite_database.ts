import { closeSync, mkdirSync, openSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { Database } from '../sql/database.js';
import { ImmediateSqliteDialect } from './immediate_sqlite_dialect.js';
import { openInProcessFileLock } from './in_process_file_lock.js';
import { withStatementCache } from './statement_cache.js';

/** Where the SQLite database lives. */
export interface SqliteFileOptions {
  /** Path of the database file; its parent directory is created (0700) if missing. */
  readonly file: string;
}

/**
 * Opens (creating if needed) the SQLite file and configures the connection:
 * - `busy_timeout = 5000`: the CLI and the server open the same file; a writer waits up to
 *   5 s for the other's write lock instead of failing at once (better-sqlite3's default too;
 *   stated here so it cannot silently change). Set first, so the pragmas below also wait.
 * - `journal_mode = WAL`: readers never block the writer and vice versa (S-1).
 * - `synchronous = NORMAL`: in WAL mode every commit is appended to the WAL file before the
 *   call returns, so it is in the OS page cache and survives the process dying at any point,
 *   SIGKILL included (S-5): the kernel still writes it out, and the next open replays the WAL.
 *   What NORMAL gives up against FULL is only the fsync per commit, which matters for power
 *   loss or an OS crash (the last commits may roll back, the file never corrupts); that is
 *   beyond S-5 and would cost a disk flush on every consumed nonce.
 * - `foreign_keys = ON`: SQLite leaves foreign keys off per connection unless asked (the OAuth
 *   tables rely on it for `ON DELETE CASCADE`).
 * Statements are prepared once per SQL text (`withStatementCache`). Connections of this
 * process on the same file take turns through an in-process lock (`in_process_file_lock.ts`),
 * so one holding a transaction across `await`s never deadlocks another. The schema is not
 * touched; run migrations next.
 *
 * The file holds password hashes, sealed secrets and token state, so a missing one is created
 * 0600 (in a 0700 directory when that is missing too) before SQLite opens it; SQLite gives its
 * `-wal` and `-shm` files the database file's mode, so they are 0600 as well.
 * @param options - the database file.
 * @returns Kysely on the open connection (`destroy()` closes it).
 * @throws the driver's error when the file cannot be opened or is not a database.
 */
export function openSqliteDatabase({ file }: SqliteFileOptions): Kysely<Database> {
  const { sqlite, canonical } = openSqliteConnection(file);
  return new Kysely<Database>({
    dialect: new ImmediateSqliteDialect(
      { database: withStatementCache(sqlite) },
      openInProcessFileLock(canonical),
      () => sqlite.inTransaction,
    ),
  });
}

/**
 * Opens one better-sqlite3 connection on `file` (creating its directory) with the pragmas
 * described at {@link openSqliteDatabase}.
 * @param file - the database file.
 * @returns the connection and the file's canonical path (the key of its in-process lock).
 * @throws the driver's error when the file cannot be opened or is not a database.
 */
export function openSqliteConnection(file: string): {
  sqlite: BetterSqlite3.Database;
  canonical: string;
} {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // 'a' creates a missing file with this mode and leaves an existing one as it is.
  closeSync(openSync(file, 'a', 0o600));
  const sqlite = new BetterSqlite3(file);
  try {
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    return { sqlite, canonical: realpathSync(file) };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}
