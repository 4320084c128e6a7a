import type { Kysely, Migration } from 'kysely';

/**
 * Adds `users.session_generation` (integer, default 0): a counter that a password change and a
 * user disablement move on, and that every login-page session is sealed with, so such a change
 * ends the user's sessions for good, even once the user is enabled again. Every existing
 * user starts at 0; sessions sealed before this migration carry no generation and sign in
 * nobody (the user signs in again once).
 */
export const migration0009UserSessionGeneration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('users')
      .addColumn('session_generation', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('users').dropColumn('session_generation').execute();
  },
};
