import type { ColumnType } from 'kysely';

/**
 * Unix seconds in a `bigint` column. Written as a JS number; read back as whatever the driver
 * returns for a 64-bit integer (better-sqlite3: number, node-postgres: string, either with
 * BigInt mode: bigint), so row mappers convert with `Number()` and stay dialect-neutral.
 */
export type UnixSecondsColumn = ColumnType<number | string | bigint, number, number>;

/** A nullable {@link UnixSecondsColumn}. */
export type NullableUnixSecondsColumn = ColumnType<
  number | string | bigint | null,
  number | null,
  number | null
>;

/**
 * A small integer (a version counter) in an `integer` column; read back as whatever the driver
 * returns, converted with `Number()` like {@link UnixSecondsColumn}.
 */
export type IntegerColumn = ColumnType<number | string | bigint, number, number>;

/**
 * A boolean stored as the integer 0 or 1 (a CHECK constraint holds it there), because SQLite
 * has no boolean type and better-sqlite3 cannot bind JS booleans; PostgreSQL stores the same
 * integers. `column_codecs.ts` converts both ways.
 */
export type FlagColumn = ColumnType<number | string | bigint, 0 | 1, 0 | 1>;

/** A list of strings stored as JSON text (portable; no JSON column type needed). */
export type TextListColumn = string;

/** `organizations`: one row per tenant. */
export interface OrganizationsTable {
  id: string;
  name: string;
  created_at: UnixSecondsColumn;
  disabled_at: NullableUnixSecondsColumn;
}

/** `users`: one row per person or robot. */
export interface UsersTable {
  id: string;
  login: string;
  email: string | null;
  password_hash: string | null;
  created_at: UnixSecondsColumn;
  disabled_at: NullableUnixSecondsColumn;
  /** Added by `0009_user_session_generation`; defaults to 0, so inserts may leave it out. */
  session_generation: ColumnType<number | string | bigint, number | undefined, number>;
}

/** `memberships`: primary key (user_id, organization_id). */
export interface MembershipsTable {
  user_id: string;
  organization_id: string;
  created_at: UnixSecondsColumn;
}

/** `api_credentials`: WSSE / api_keys credentials (W-8) with their sealed secret (W-9). */
export interface ApiCredentialsTable {
  id: string;
  key: string;
  user_id: string;
  organization_id: string;
  secret_ciphertext: string;
  /** `active`, `disabled` or `revoked` (a CHECK constraint holds it to these). */
  status: string;
  created_at: UnixSecondsColumn;
  secret_set_at: UnixSecondsColumn;
}

/** `wsse_nonces`: the replay store (W-6); `expires_at` null means kept forever. */
export interface WsseNoncesTable {
  key: string;
  expires_at: NullableUnixSecondsColumn;
}

/** `rate_counters`: fixed-window rate-limit counters. */
export interface RateCountersTable {
  key: string;
  count: IntegerColumn;
  expires_at: UnixSecondsColumn;
}

/** `oauth_clients`: registered OAuth clients (O-1). */
export interface OAuthClientsTable {
  client_id: string;
  name: string;
  secret_hash: string | null;
  redirect_uris: TextListColumn;
  grant_types: TextListColumn;
  scopes: TextListColumn;
  skip_consent: FlagColumn;
  require_pkce: FlagColumn;
  allow_plain_pkce: FlagColumn;
  /** Added by `0007_client_introspect_any_token`. */
  introspect_any_token: FlagColumn;
  scopes_version: IntegerColumn;
  created_at: UnixSecondsColumn;
  updated_at: UnixSecondsColumn;
}

/** `token_families`: one row per grant that tokens descend from (O-5, O-9, R-3). */
export interface TokenFamiliesTable {
  id: string;
  client_id: string;
  user_id: string;
  organization_id: string;
  created_at: UnixSecondsColumn;
  revoked_at: NullableUnixSecondsColumn;
}

/** `authorization_codes`: codes by hash (O-5); `consumed_at` null until redeemed. */
export interface AuthorizationCodesTable {
  code_hash: string;
  client_id: string;
  redirect_uri: string;
  scope: string;
  user_id: string;
  organization_id: string;
  code_challenge: string | null;
  /** `S256`, `plain` or null (a CHECK constraint holds it to these). */
  code_challenge_method: string | null;
  family_id: string;
  created_at: UnixSecondsColumn;
  expires_at: UnixSecondsColumn;
  consumed_at: NullableUnixSecondsColumn;
}

/** `refresh_tokens`: server-side state of refresh tokens by jti (O-9). */
export interface RefreshTokensTable {
  jti: string;
  family_id: string;
  client_id: string;
  user_id: string;
  organization_id: string;
  scope: string;
  client_scopes_version: IntegerColumn;
  issued_at: UnixSecondsColumn;
  expires_at: UnixSecondsColumn;
  consumed_at: NullableUnixSecondsColumn;
  successor_jti: string | null;
  successor_response_sealed: string | null;
}

/** `signing_keys`: JWT signing keys (O-11), private part sealed. */
export interface SigningKeysTable {
  kid: string;
  alg: string;
  public_jwk: string;
  private_jwk_sealed: string;
  created_at: UnixSecondsColumn;
  activates_at: UnixSecondsColumn;
  retired_at: NullableUnixSecondsColumn;
}

/** `revoked_access_tokens`: RFC 7009 revocations, kept until the token would have expired. */
export interface RevokedAccessTokensTable {
  jti: string;
  expires_at: UnixSecondsColumn;
}

/** `legacy_refresh_tokens`: legacy refresh tokens by id, found by the token's hash (L-3). */
export interface LegacyRefreshTokensTable {
  id: string;
  token_hash: string;
  user_id: string;
  organization_id: string;
  created_at: UnixSecondsColumn;
  last_used_at: UnixSecondsColumn;
  revoked_at: NullableUnixSecondsColumn;
}

/** The schema as Kysely sees it, as created by `migrations/`. */
export interface Database {
  organizations: OrganizationsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  api_credentials: ApiCredentialsTable;
  wsse_nonces: WsseNoncesTable;
  rate_counters: RateCountersTable;
  oauth_clients: OAuthClientsTable;
  token_families: TokenFamiliesTable;
  authorization_codes: AuthorizationCodesTable;
  refresh_tokens: RefreshTokensTable;
  signing_keys: SigningKeysTable;
  revoked_access_tokens: RevokedAccessTokensTable;
  legacy_refresh_tokens: LegacyRefreshTokensTable;
}
