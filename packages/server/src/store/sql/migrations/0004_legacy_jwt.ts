import type { Kysely, Migration } from 'kysely';

/**
 * Legacy refresh tokens (L-3): one row per token handed out by
 * `POST /auth/api/v1/token/password` with `"refresh": true`, keyed by a public id (carried by
 * the JWTs made from it as `rid`) and found by the SHA-256 of the token, never the token
 * itself. `last_used_at` slides with every JWT made from it; the idle check and the update are
 * one `UPDATE … RETURNING`. Kysely's schema builder only, so it runs unchanged on SQLite and
 * PostgreSQL; constraint and index names are part of the contract (`../constraint_names.ts`).
 * Users and organizations are never deleted, so their references are plain foreign keys.
 */
export const migration0004LegacyJwt: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('legacy_refresh_tokens')
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_used_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .addPrimaryKeyConstraint('legacy_refresh_tokens_pkey', ['id'])
      .addUniqueConstraint('legacy_refresh_tokens_token_hash_key', ['token_hash'])
      .addForeignKeyConstraint('legacy_refresh_tokens_user_id_fkey', ['user_id'], 'users', ['id'])
      .addForeignKeyConstraint(
        'legacy_refresh_tokens_organization_id_fkey',
        ['organization_id'],
        'organizations',
        ['id'],
      )
      .execute();
    // Password changes and disablement revoke by user; purge deletes by idle time.
    await db.schema
      .createIndex('legacy_refresh_tokens_user_id_idx')
      .on('legacy_refresh_tokens')
      .column('user_id')
      .execute();
    await db.schema
      .createIndex('legacy_refresh_tokens_last_used_at_idx')
      .on('legacy_refresh_tokens')
      .column('last_used_at')
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('legacy_refresh_tokens').execute();
  },
};
