import type { Kysely, Migration } from 'kysely';

/**
 * Adds `users.session_generation` (integer, default 0): a counter that a password change and a
 * user disablement move on, and that every login-page session is sealed with, so such a change
 * ends the user's sessions for good, even once the user is enabled again. Every existing
 * user starts at 0; sessions sealed before this migration carry no generation and sign in
 * nobody (the user signs in again once). Also indexes `token_families.user_id`, which the same
 * changes revoke all of a user's families by (`tokenFamilies.revokeForUser`).
 */
export const migration0009UserSessionGeneration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('users')
      .addColumn('session_generation', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createIndex('token_families_user_id_idx')
      .on('token_families')
      .column('user_id')
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('token_families_user_id_idx').execute();
    await db.schema.alterTable('users').dropColumn('session_generation').execute();
  },
};
