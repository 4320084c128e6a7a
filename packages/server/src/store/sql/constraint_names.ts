/**
 * The schema's unique constraints and the port's name for each (what `StoreConflictError`
 * carries). Dialect error translators look a violation up here: PostgreSQL reports the
 * constraint or index name, SQLite reports `table.column, …`. Names must match
 * `migrations/`; the conformance suite asserts every port name, so a drift fails a test.
 */
export interface UniqueConstraint {
  /** Constraint or index name in the schema. */
  readonly name: string;
  readonly table: string;
  readonly columns: readonly string[];
  /** The name `StoreConflictError.constraint` carries. */
  readonly port: string;
}

/** Every unique constraint and unique index in the schema. */
export const UNIQUE_CONSTRAINTS: readonly UniqueConstraint[] = Object.freeze([
  { name: 'organizations_pkey', table: 'organizations', columns: ['id'], port: 'organization.id' },
  {
    name: 'organizations_name_key',
    table: 'organizations',
    columns: ['name'],
    port: 'organization.name',
  },
  { name: 'users_pkey', table: 'users', columns: ['id'], port: 'user.id' },
  { name: 'users_login_key', table: 'users', columns: ['login'], port: 'user.login' },
  {
    name: 'memberships_pkey',
    table: 'memberships',
    columns: ['user_id', 'organization_id'],
    port: 'membership.user_org',
  },
  {
    name: 'api_credentials_pkey',
    table: 'api_credentials',
    columns: ['id'],
    port: 'credential.id',
  },
  {
    name: 'api_credentials_key_key',
    table: 'api_credentials',
    columns: ['key'],
    port: 'credential.key',
  },
  {
    name: 'api_credentials_user_org_usable',
    table: 'api_credentials',
    columns: ['user_id', 'organization_id'],
    port: 'credential.user_org',
  },
  { name: 'wsse_nonces_pkey', table: 'wsse_nonces', columns: ['key'], port: 'nonce.key' },
]);
