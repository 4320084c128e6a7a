import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';
import type { InProcessFileLock } from './in_process_file_lock.js';

/**
 * Kysely's SQLite driver, except that:
 * - transactions start with `BEGIN IMMEDIATE`, taking the write lock up front. With the
 *   default deferred `BEGIN`, a transaction that reads and then writes (the migrator,
 *   `resealAll`) fails at once with SQLITE_BUSY when another process (the CLI and the server
 *   share the file) wrote in between; `BEGIN IMMEDIATE` instead waits for the lock under
 *   `busy_timeout`, and nothing can change between its reads and its writes;
 * - while Kysely holds the connection (one statement, or a whole transaction) it also holds
 *   the file's {@link InProcessFileLock}, so other connections of this process on the same
 *   file wait their turn instead of blocking the thread in SQLite's busy handler;
 * - a ROLLBACK is skipped when SQLite already rolled the transaction back itself (it does on
 *   SQLITE_FULL, SQLITE_IOERR and others): otherwise the ROLLBACK fails with "no transaction
 *   is active" and that error, which no translator recognises, replaces the store's own.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  readonly #fileLock: InProcessFileLock | undefined;
  readonly #inTransaction: (() => boolean) | undefined;

  constructor(
    config: SqliteDialectConfig,
    fileLock: InProcessFileLock | undefined,
    inTransaction: (() => boolean) | undefined,
  ) {
    super(config);
    this.#fileLock = fileLock;
    this.#inTransaction = inTransaction;
  }

  /** Takes the connection, then the file's in-process lock. */
  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    await this.#fileLock?.lock();
    return connection;
  }

  /** Releases the file's in-process lock, then the connection. */
  override async releaseConnection(): Promise<void> {
    this.#fileLock?.unlock();
    await super.releaseConnection();
  }

  /** Starts a transaction holding the write lock (waits up to `busy_timeout` for it). */
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  /** Rolls back, unless SQLite already did. */
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.#inTransaction?.() === false) return;
    await super.rollbackTransaction(connection);
  }

  /** Closes the database and gives up this connection's share of the file lock. */
  override async destroy(): Promise<void> {
    try {
      await super.destroy();
    } finally {
      this.#fileLock?.dispose();
    }
  }
}

/**
 * Kysely's `SqliteDialect` with {@link ImmediateSqliteDriver}; everything else (compiler,
 * adapter, introspector) is Kysely's own.
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  readonly #fileLock: InProcessFileLock | undefined;
  readonly #inTransaction: (() => boolean) | undefined;

  /**
   * @param config - as for Kysely's `SqliteDialect`.
   * @param fileLock - the lock shared by this process's connections to the same file
   *   (`openInProcessFileLock`); the driver disposes of it when destroyed. Without it the
   *   connection does not coordinate with others in this process: only for a process that
   *   opens the file exactly once. `openSqliteDatabase` always passes one.
   * @param inTransaction - whether the connection is inside a transaction (better-sqlite3's
   *   `inTransaction`), so a ROLLBACK after SQLite's own rollback is skipped. Without it every
   *   ROLLBACK runs.
   */
  constructor(
    config: SqliteDialectConfig,
    fileLock?: InProcessFileLock,
    inTransaction?: () => boolean,
  ) {
    super(config);
    this.#config = config;
    this.#fileLock = fileLock;
    this.#inTransaction = inTransaction;
  }

  /** Creates the driver whose transactions begin with `BEGIN IMMEDIATE`. */
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config, this.#fileLock, this.#inTransaction);
  }
}
