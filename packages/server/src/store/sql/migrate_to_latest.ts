import { type Kysely, type MigrationProvider, Migrator } from 'kysely';
import type { Database } from './database.js';
import { ALL_MIGRATIONS } from './migrations/all_migrations.js';

/** What a migration run did. */
export interface MigrationReport {
  /** Names of the migrations this run applied, in order; empty when already up to date. */
  readonly applied: readonly string[];
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
 * @returns the migrations this run applied.
 * @throws Error naming the failed migration (with the driver's error as `cause`); a failed
 *   migration's transaction is rolled back.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationReport> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(failed ? `migration ${failed} failed` : 'migration failed', { cause: error });
  }
  return {
    applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName),
  };
}
