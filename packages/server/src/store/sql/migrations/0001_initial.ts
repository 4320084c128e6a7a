import { type Kysely, type Migration, sql } from 'kysely';
import { withoutRowidOnSqlite } from './sqlite_table_options.js';

/**
 * The initial schema: organizations, users, memberships, API credentials and the WSSE replay
 * store. Written with Kysely's schema builder only, so it runs unchanged on SQLite and
 * PostgreSQL (the one exception, SQLite's `WITHOUT ROWID` for the nonce table, is isolated in
 * `sqlite_table_options.ts`). Constraint and index names are part of the contract: the dialects' error
 * translators map them (PostgreSQL) or their columns (SQLite) to the port's conflict names
 * (`../constraint_names.ts`). Never edit a released migration; add the next one.
 */
export const migration0001Initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('organizations')
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('disabled_at', 'bigint')
      .addPrimaryKeyConstraint('organizations_pkey', ['id'])
      .addUniqueConstraint('organizations_name_key', ['name'])
      .execute();

    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('login', 'text', (c) => c.notNull())
      .addColumn('email', 'text')
      .addColumn('password_hash', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('disabled_at', 'bigint')
      .addPrimaryKeyConstraint('users_pkey', ['id'])
      .addUniqueConstraint('users_login_key', ['login'])
      .execute();

    await db.schema
      .createTable('memberships')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('memberships_pkey', ['user_id', 'organization_id'])
      .addForeignKeyConstraint('memberships_user_id_fkey', ['user_id'], 'users', ['id'])
      .addForeignKeyConstraint(
        'memberships_organization_id_fkey',
        ['organization_id'],
        'organizations',
        ['id'],
      )
      .execute();
    await db.schema
      .createIndex('memberships_organization_id_idx')
      .on('memberships')
      .column('organization_id')
      .execute();

    await db.schema
      .createTable('api_credentials')
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('secret_ciphertext', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('secret_set_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('api_credentials_pkey', ['id'])
      .addUniqueConstraint('api_credentials_key_key', ['key'])
      .addCheckConstraint(
        'api_credentials_status_check',
        sql`status in ('active', 'disabled', 'revoked')`,
      )
      .addForeignKeyConstraint('api_credentials_user_id_fkey', ['user_id'], 'users', ['id'])
      .addForeignKeyConstraint(
        'api_credentials_organization_id_fkey',
        ['organization_id'],
        'organizations',
        ['id'],
      )
      .execute();
    // W-8: at most one usable (non-revoked) credential per user and organization. It also
    // serves `listUsableForUser`, whose WHERE matches the index predicate.
    await db.schema
      .createIndex('api_credentials_user_org_usable')
      .on('api_credentials')
      .columns(['user_id', 'organization_id'])
      .unique()
      .where(sql.ref('status'), '<>', 'revoked')
      .execute();
    await db.schema
      .createIndex('api_credentials_user_id_idx')
      .on('api_credentials')
      .column('user_id')
      .execute();
    await db.schema
      .createIndex('api_credentials_organization_id_idx')
      .on('api_credentials')
      .column('organization_id')
      .execute();

    await db.schema
      .createTable('wsse_nonces')
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .addPrimaryKeyConstraint('wsse_nonces_pkey', ['key'])
      .$call(withoutRowidOnSqlite(db))
      .execute();
    // purgeExpired deletes by expiry; without this it would scan (and lock) the whole table.
    await db.schema
      .createIndex('wsse_nonces_expires_at_idx')
      .on('wsse_nonces')
      .column('expires_at')
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of [
      'wsse_nonces',
      'api_credentials',
      'memberships',
      'users',
      'organizations',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
