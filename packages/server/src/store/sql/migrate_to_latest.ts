import { type Kysely, type MigrationProvider, Migrator } from 'kysely';
import { MissingSchemaError } from '../missing_schema_error.js';
import type { Database } from './database.js';
import { ALL_MIGRATIONS } from './migrations/all_migrations.js';

/** What a migration run did. */
export interface MigrationReport {
  /** Names of the migrations this run applied, in order; empty when already up to date. */
  readonly applied: readonly string[];
}

/** How `migrateToLatest` treats a database without keygate's schema. */
export interface MigrateOptions {
  /**
   * Refuse a database on which no migration was ever applied (`MissingSchemaError`) instead of
   * creating the schema; one with an older schema is still brought up to date.
   */
  readonly requireSchema?: boolean;
}

/** Kysely's bookkeeping tables, prefixed so they are recognisable in a shared PostgreSQL database. */
const MIGRATION_TABLE = 'keygate_migration';
const MIGRATION_LOCK_TABLE = 'keygate_migration_lock';

const provider: MigrationProvider = {
  async getMigrations() {
    return { ...ALL_MIGRATIONS };
  },
};

/**
 * Brings the schema up to the latest migration. Safe to run on every start and from several
 * processes at once: Kysely's migrator takes its lock (SQLite: the write transaction;
 * PostgreSQL: an advisory lock) and skips migrations already recorded.
 * @param db - a Kysely instance on any supported dialect.
 * @param options - whether a database without the schema is refused.
 * @returns the migrations this run applied.
 * @throws MissingSchemaError when `requireSchema` is set and no migration was ever applied;
 *   Error naming the failed migration (with the driver's error as `cause`); a failed
 *   migration's transaction is rolled back.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  options: MigrateOptions = {},
): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  });
  if (options.requireSchema) {
    // Reading what is applied never creates Kysely's bookkeeping tables.
    const known = await migrator.getMigrations();
    if (known.every((migration) => migration.executedAt === undefined)) {
      throw new MissingSchemaError();
    }
  }
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(failed ? `migration ${failed} failed` : 'migration failed', { cause: error });
  }
  return {
    applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName),
  };
}
