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

/** The schema as Kysely sees it, as created by `migrations/`. */
export interface Database {
  organizations: OrganizationsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  api_credentials: ApiCredentialsTable;
  wsse_nonces: WsseNoncesTable;
}
