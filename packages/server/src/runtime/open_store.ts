import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { KeygateConfig } from '../core/config/keygate_config.js';
import { ConfigError } from '../core/config/validate_config.js';
import { MissingSchemaError } from '../store/missing_schema_error.js';
import { type Store, StoreUnavailableError } from '../store/port.js';
import { migratePostgres } from '../store/postgres/migrate_postgres.js';
import { openPostgresStore } from '../store/postgres/open_postgres_store.js';
import type { PostgresListenerEvent } from '../store/postgres/postgres_data_version.js';
import type { PostgresOptions } from '../store/postgres/postgres_options.js';
import { redactDatabaseUrl } from '../store/postgres/redact_database_url.js';
import type { MigrationReport } from '../store/sql/migrate_to_latest.js';
import { migrateSqlite } from '../store/sqlite/migrate_sqlite.js';
import { openSqliteStore } from '../store/sqlite/open_sqlite_store.js';
import { NoKeygateDataError } from './no_keygate_data_error.js';

/** The SQLite file used when no database URL is configured (S-1). */
export function defaultSqliteFile(dataDir: string): string {
  return join(dataDir, 'keygate.sqlite');
}

/** Which database the configuration names. */
export type DatabaseTarget =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'postgres'; readonly options: PostgresOptions };

/**
 * Reads the database out of the configuration: unset means the embedded SQLite file in
 * `dataDir` (S-1), `sqlite:///path` another SQLite file, `postgres://…` or `postgresql://…`
 * PostgreSQL (S-2). Throws `ConfigError` (never quoting the URL, which may hold a password)
 * for a URL keygate cannot use.
 */
export function databaseTargetFor(config: KeygateConfig): DatabaseTarget {
  const url = config.databaseUrl;
  if (url === null) return { kind: 'sqlite', file: defaultSqliteFile(config.dataDir) };
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (parsed?.protocol === 'sqlite:') {
    const file = decodeURIComponent(parsed.pathname);
    if (file === '' || file === '/') {
      throw new ConfigError([
        {
          path: 'databaseUrl',
          message: 'a sqlite: URL must name a file, e.g. sqlite:///var/lib/keygate.sqlite',
        },
      ]);
    }
    return { kind: 'sqlite', file };
  }
  if (parsed?.protocol === 'postgres:' || parsed?.protocol === 'postgresql:') {
    if (parsed.hostname === '' && !parsed.searchParams.has('host')) {
      throw new ConfigError([
        {
          path: 'databaseUrl',
          message:
            'a PostgreSQL URL must name a host, e.g. postgres://user:password@db.example:5432/keygate',
        },
      ]);
    }
    return { kind: 'postgres', options: { url, poolSize: config.databasePoolSize } };
  }
  throw new ConfigError([
    { path: 'databaseUrl', message: 'must be a postgres://, postgresql:// or sqlite:// URL' },
  ]);
}

/**
 * Says which PostgreSQL database could not be opened, with the password redacted, keeping the
 * driver's error as `cause` (node-postgres messages name the host, role or database, never the
 * password).
 */
function cannotOpen(url: string, error: unknown): StoreUnavailableError {
  let reason = error instanceof Error ? error.message : 'unknown error';
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) reason += ` (${cause.message})`;
  return new StoreUnavailableError(
    `cannot open PostgreSQL database ${redactDatabaseUrl(url)}: ${reason}`,
    { cause: error },
  );
}

/** How `openStore` opens the configured database. */
export interface OpenStoreOptions {
  /**
   * True for `keygate serve`: create the database and its schema when missing. Otherwise a
   * missing SQLite file or a database without keygate's schema is refused with
   * `NoKeygateDataError`, and nothing is created.
   */
  readonly initialize?: boolean;
  /**
   * On PostgreSQL, told when the session that listens for other processes' changes is lost
   * and when it listens again (see `openPostgresDataVersion`).
   */
  readonly onPostgresListenerEvent?: (event: PostgresListenerEvent) => void;
}

/** Says where keygate looked for its database and what sets one up, for `NoKeygateDataError`. */
function noDataAt(config: KeygateConfig, target: DatabaseTarget): NoKeygateDataError {
  if (target.kind === 'postgres') {
    return new NoKeygateDataError(
      `PostgreSQL database ${redactDatabaseUrl(target.options.url)} has no keygate schema: run \`keygate migrate\` first, or check KEYGATE_DATABASE_URL`,
    );
  }
  if (config.databaseUrl !== null) {
    return new NoKeygateDataError(
      `no keygate database at ${resolve(target.file)}: run \`keygate migrate\` first, or check KEYGATE_DATABASE_URL`,
    );
  }
  return new NoKeygateDataError(
    `no keygate data in ${resolve(config.dataDir)}: run \`keygate serve\` or \`keygate migrate\` first, or pass --data-dir`,
  );
}

/**
 * Opens the store the configuration names, migrating an older schema to the latest; with
 * `initialize`, also creates the database and its schema when missing.
 * @param config - the validated configuration.
 * @param options - whether to create a missing database, and the PostgreSQL listener's hook.
 * @throws NoKeygateDataError without `initialize` when there is no keygate database;
 *   StoreUnavailableError when PostgreSQL cannot be opened.
 */
export async function openStore(
  config: KeygateConfig,
  options: OpenStoreOptions = {},
): Promise<Store> {
  const target = databaseTargetFor(config);
  const migrateOptions = { requireSchema: options.initialize !== true };
  try {
    if (target.kind === 'sqlite') {
      // better-sqlite3 creates a missing file on open: look before opening.
      if (migrateOptions.requireSchema && !existsSync(target.file)) throw new MissingSchemaError();
      return await openSqliteStore({ file: target.file }, migrateOptions);
    }
    try {
      return await openPostgresStore(
        target.options,
        options.onPostgresListenerEvent ? { onEvent: options.onPostgresListenerEvent } : {},
        migrateOptions,
      );
    } catch (error) {
      if (error instanceof MissingSchemaError) throw error;
      throw cannotOpen(target.options.url, error);
    }
  } catch (error) {
    if (error instanceof MissingSchemaError) throw noDataAt(config, target);
    throw error;
  }
}

/** Applies pending migrations to the configured database; returns the names applied. */
export async function migrateStore(config: KeygateConfig): Promise<MigrationReport> {
  const target = databaseTargetFor(config);
  if (target.kind === 'sqlite') return migrateSqlite({ file: target.file });
  try {
    return await migratePostgres(target.options);
  } catch (error) {
    throw cannotOpen(target.options.url, error);
  }
}
