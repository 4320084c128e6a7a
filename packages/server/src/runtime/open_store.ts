import { join } from 'node:path';
import type { KeygateConfig } from '../core/config/keygate_config.js';
import { ConfigError } from '../core/config/validate_config.js';
import type { Store } from '../store/port.js';
import type { MigrationReport } from '../store/sql/migrate_to_latest.js';
import { migrateSqlite } from '../store/sqlite/migrate_sqlite.js';
import { openSqliteStore } from '../store/sqlite/open_sqlite_store.js';

/** The SQLite file used when no database URL is configured (S-1). */
export function defaultSqliteFile(dataDir: string): string {
  return join(dataDir, 'keygate.sqlite');
}

/** The SQLite file the configuration names, or a ConfigError for other databases. */
export function sqliteFileFor(config: KeygateConfig): string {
  const url = config.databaseUrl;
  if (url === null) return defaultSqliteFile(config.dataDir);
  if (url.startsWith('sqlite:')) return decodeURIComponent(new URL(url).pathname);
  throw new ConfigError([
    {
      path: 'databaseUrl',
      message: 'PostgreSQL is not supported by this version yet; unset it to use SQLite',
    },
  ]);
}

/** Opens (creating and migrating if needed) the store the configuration names. */
export async function openStore(config: KeygateConfig): Promise<Store> {
  return openSqliteStore({ file: sqliteFileFor(config) });
}

/** Applies pending migrations to the configured database; returns the names applied. */
export async function migrateStore(config: KeygateConfig): Promise<MigrationReport> {
  return migrateSqlite({ file: sqliteFileFor(config) });
}
