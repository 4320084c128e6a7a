import { type Kysely, type Migration, sql } from 'kysely';
import { withoutRowidOnSqlite } from './sqlite_table_options.js';

/**
 * The OAuth 2.0 schema: clients, token families, authorization codes, refresh tokens, signing
 * keys and revoked access tokens. Same rules as `0001_initial`: Kysely's schema builder only,
 * so it runs unchanged on SQLite and PostgreSQL; constraint and index names are part of the
 * contract (`../constraint_names.ts`).
 *
 * Portable types: lists are JSON text, booleans are `integer` 0/1 held there by a CHECK
 * constraint, times and version counters are `bigint`. Everything issued to a client
 * (families, codes, refresh tokens) references it `ON DELETE CASCADE`, and codes and refresh
 * tokens reference their family the same way, so deleting a client is one statement that
 * leaves nothing behind. Users and organizations are never deleted, so the family's
 * references to them are plain foreign keys (existence checks only).
 */
export const migration0002OAuth: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('oauth_clients')
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text')
      .addColumn('redirect_uris', 'text', (c) => c.notNull())
      .addColumn('grant_types', 'text', (c) => c.notNull())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('skip_consent', 'integer', (c) => c.notNull())
      .addColumn('require_pkce', 'integer', (c) => c.notNull())
      .addColumn('allow_plain_pkce', 'integer', (c) => c.notNull())
      .addColumn('scopes_version', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('oauth_clients_pkey', ['client_id'])
      .addCheckConstraint('oauth_clients_skip_consent_check', sql`skip_consent in (0, 1)`)
      .addCheckConstraint('oauth_clients_require_pkce_check', sql`require_pkce in (0, 1)`)
      .addCheckConstraint('oauth_clients_allow_plain_pkce_check', sql`allow_plain_pkce in (0, 1)`)
      .execute();

    await db.schema
      .createTable('token_families')
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .addPrimaryKeyConstraint('token_families_pkey', ['id'])
      .addForeignKeyConstraint(
        'token_families_client_id_fkey',
        ['client_id'],
        'oauth_clients',
        ['client_id'],
        (fk) => fk.onDelete('cascade'),
      )
      .addForeignKeyConstraint('token_families_user_id_fkey', ['user_id'], 'users', ['id'])
      .addForeignKeyConstraint(
        'token_families_organization_id_fkey',
        ['organization_id'],
        'organizations',
        ['id'],
      )
      .execute();
    // The cascade from oauth_clients looks families up by client.
    await db.schema
      .createIndex('token_families_client_id_idx')
      .on('token_families')
      .column('client_id')
      .execute();

    await db.schema
      .createTable('authorization_codes')
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('redirect_uri', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('code_challenge', 'text')
      .addColumn('code_challenge_method', 'text')
      .addColumn('family_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('consumed_at', 'bigint')
      .addPrimaryKeyConstraint('authorization_codes_pkey', ['code_hash'])
      .addCheckConstraint(
        'authorization_codes_code_challenge_method_check',
        sql`code_challenge_method in ('S256', 'plain')`,
      )
      .addForeignKeyConstraint(
        'authorization_codes_client_id_fkey',
        ['client_id'],
        'oauth_clients',
        ['client_id'],
        (fk) => fk.onDelete('cascade'),
      )
      .addForeignKeyConstraint(
        'authorization_codes_family_id_fkey',
        ['family_id'],
        'token_families',
        ['id'],
        (fk) => fk.onDelete('cascade'),
      )
      .execute();
    // purgeExpired deletes by expiry; the cascades look codes up by client and by family.
    await db.schema
      .createIndex('authorization_codes_expires_at_idx')
      .on('authorization_codes')
      .column('expires_at')
      .execute();
    await db.schema
      .createIndex('authorization_codes_client_id_idx')
      .on('authorization_codes')
      .column('client_id')
      .execute();
    await db.schema
      .createIndex('authorization_codes_family_id_idx')
      .on('authorization_codes')
      .column('family_id')
      .execute();

    await db.schema
      .createTable('refresh_tokens')
      .addColumn('jti', 'text', (c) => c.notNull())
      .addColumn('family_id', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('client_scopes_version', 'bigint', (c) => c.notNull())
      .addColumn('issued_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('consumed_at', 'bigint')
      .addColumn('successor_jti', 'text')
      .addColumn('successor_response_sealed', 'text')
      .addPrimaryKeyConstraint('refresh_tokens_pkey', ['jti'])
      .addForeignKeyConstraint(
        'refresh_tokens_family_id_fkey',
        ['family_id'],
        'token_families',
        ['id'],
        (fk) => fk.onDelete('cascade'),
      )
      .addForeignKeyConstraint(
        'refresh_tokens_client_id_fkey',
        ['client_id'],
        'oauth_clients',
        ['client_id'],
        (fk) => fk.onDelete('cascade'),
      )
      .execute();
    // The cascades look refresh tokens up by family and by client.
    await db.schema
      .createIndex('refresh_tokens_family_id_idx')
      .on('refresh_tokens')
      .column('family_id')
      .execute();
    await db.schema
      .createIndex('refresh_tokens_client_id_idx')
      .on('refresh_tokens')
      .column('client_id')
      .execute();

    // A handful of rows, read whole: no index beyond the key.
    await db.schema
      .createTable('signing_keys')
      .addColumn('kid', 'text', (c) => c.notNull())
      .addColumn('alg', 'text', (c) => c.notNull())
      .addColumn('public_jwk', 'text', (c) => c.notNull())
      .addColumn('private_jwk_sealed', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('activates_at', 'bigint', (c) => c.notNull())
      .addColumn('retired_at', 'bigint')
      .addPrimaryKeyConstraint('signing_keys_pkey', ['kid'])
      .execute();

    // Small rows looked up by key on every Bearer request: WITHOUT ROWID, like wsse_nonces.
    await db.schema
      .createTable('revoked_access_tokens')
      .addColumn('jti', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('revoked_access_tokens_pkey', ['jti'])
      .$call(withoutRowidOnSqlite(db))
      .execute();
    await db.schema
      .createIndex('revoked_access_tokens_expires_at_idx')
      .on('revoked_access_tokens')
      .column('expires_at')
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of [
      'revoked_access_tokens',
      'signing_keys',
      'refresh_tokens',
      'authorization_codes',
      'token_families',
      'oauth_clients',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
