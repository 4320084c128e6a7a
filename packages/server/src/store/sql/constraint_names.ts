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
  {
    name: 'oauth_clients_pkey',
    table: 'oauth_clients',
    columns: ['client_id'],
    port: 'oauth_client.client_id',
  },
  {
    name: 'token_families_pkey',
    table: 'token_families',
    columns: ['id'],
    port: 'token_family.id',
  },
  {
    name: 'authorization_codes_pkey',
    table: 'authorization_codes',
    columns: ['code_hash'],
    port: 'authorization_code.code_hash',
  },
  {
    name: 'refresh_tokens_pkey',
    table: 'refresh_tokens',
    columns: ['jti'],
    port: 'refresh_token.jti',
  },
  { name: 'signing_keys_pkey', table: 'signing_keys', columns: ['kid'], port: 'signing_key.kid' },
  {
    name: 'revoked_access_tokens_pkey',
    table: 'revoked_access_tokens',
    columns: ['jti'],
    port: 'revoked_access_token.jti',
  },
  {
    name: 'legacy_refresh_tokens_pkey',
    table: 'legacy_refresh_tokens',
    columns: ['id'],
    port: 'legacy_refresh_token.id',
  },
  {
    name: 'legacy_refresh_tokens_token_hash_key',
    table: 'legacy_refresh_tokens',
    columns: ['token_hash'],
    port: 'legacy_refresh_token.token_hash',
  },
]);
