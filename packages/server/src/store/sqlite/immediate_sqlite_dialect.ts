import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';

/**
 * Kysely's SQLite driver, except that transactions start with `BEGIN IMMEDIATE`, taking the
 * write lock up front. With the default deferred `BEGIN`, a transaction that reads and then
 * writes (the migrator, `resealAll`) fails at once with SQLITE_BUSY when another process (the
 * CLI and the server share the file) wrote in between; `BEGIN IMMEDIATE` instead waits for the
 * lock under `busy_timeout`, and nothing can change between its reads and its writes.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  /** Starts a transaction holding the write lock (waits up to `busy_timeout` for it). */
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/**
 * Kysely's `SqliteDialect` with {@link ImmediateSqliteDriver}; everything else (compiler,
 * adapter, introspector) is Kysely's own.
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  /** @param config - as for Kysely's `SqliteDialect`. */
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  /** Creates the driver whose transactions begin with `BEGIN IMMEDIATE`. */
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
