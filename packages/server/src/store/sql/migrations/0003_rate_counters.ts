import type { Kysely, Migration } from 'kysely';
import { withoutRowidOnSqlite } from './sqlite_table_options.js';

/**
 * Rate-limit counters: one row per key with its count and the end of its fixed window.
 * Used when no Redis is configured (S-2); with Redis the counters live there instead. Expired
 * rows are reset in place by the next increment, so the table holds one row per live key.
 */
export const migration0003RateCounters: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('rate_counters')
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('count', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('rate_counters_pkey', ['key'])
      .$call(withoutRowidOnSqlite(db))
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('rate_counters').execute();
  },
};
