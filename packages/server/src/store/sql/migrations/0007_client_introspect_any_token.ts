import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Adds `oauth_clients.introspect_any_token` (0/1, default 0): whether a client may introspect
 * tokens issued to other clients (RFC 7662 §4). Every client registered before it is told
 * only about its own tokens from now on, which is the point: introspection used to answer any
 * confidential client about every client's tokens. A resource server that relied on that is
 * given the permission with `keygate client update <id> --introspect`.
 */
export const migration0007ClientIntrospectAnyToken: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('oauth_clients')
      .addColumn('introspect_any_token', 'integer', (c) =>
        c.notNull().defaultTo(0).check(sql`introspect_any_token in (0, 1)`),
      )
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('oauth_clients').dropColumn('introspect_any_token').execute();
  },
};
