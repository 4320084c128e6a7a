import type {
  AuthorizationCodeRecord,
  CredentialRecord,
  MembershipRecord,
  OAuthClientRecord,
  OrganizationRecord,
  RefreshTokenRecord,
  SigningKeyRecord,
  TokenFamilyRecord,
  UserRecord,
} from '../port.js';
import { StoreUnavailableError } from '../port.js';

/**
 * The memory adapter's state: the rows plus the indexes that enforce the same unique rules as
 * the SQL schema. Records are stored as private copies, so a caller holding a returned record
 * can never change stored state.
 */
export interface MemoryTables {
  /** False after `close()`; every operation then rejects like an unreachable database. */
  open: boolean;
  readonly organizations: Map<string, OrganizationRecord>;
  /** `organization.name` unique index: name → id. */
  readonly organizationIdByName: Map<string, string>;
  readonly users: Map<string, UserRecord>;
  /** `users.session_generation`, by user id; absent means 0. */
  readonly sessionGenerations: Map<string, number>;
  /** `user.login` unique index: login → id. */
  readonly userIdByLogin: Map<string, string>;
  /** Primary key (user, organization): userId → organizationId → membership. */
  readonly memberships: Map<string, Map<string, MembershipRecord>>;
  readonly credentials: Map<string, CredentialRecord>;
  /** `credential.key` unique index: key → id. */
  readonly credentialIdByKey: Map<string, string>;
  /** `credential.user_org` partial unique index over non-revoked rows: slot → id. */
  readonly usableCredentialIdBySlot: Map<string, string>;
  /** Nonce key → expiry in unix seconds, or null for a record kept forever. */
  readonly nonces: Map<string, number | null>;
  /** OAuth clients by `clientId` (primary key `oauth_client.client_id`). */
  readonly oauthClients: Map<string, OAuthClientRecord>;
  /** Token families by id; each names an existing client, user and organization. */
  readonly tokenFamilies: Map<string, TokenFamilyRecord>;
  /** Authorization codes by `codeHash`; each names an existing client and family. */
  readonly authorizationCodes: Map<string, AuthorizationCodeRecord>;
  /** Refresh tokens by `jti`; each names an existing client and family. */
  readonly refreshTokens: Map<string, RefreshTokenRecord>;
  /** Signing keys by `kid`. */
  readonly signingKeys: Map<string, SigningKeyRecord>;
  /** Revoked access token `jti` → the expiry it was recorded with (unix seconds). */
  readonly revokedAccessTokens: Map<string, number>;
}

/** Creates empty tables. */
export function createMemoryTables(): MemoryTables {
  return {
    open: true,
    organizations: new Map(),
    organizationIdByName: new Map(),
    users: new Map(),
    sessionGenerations: new Map(),
    userIdByLogin: new Map(),
    memberships: new Map(),
    credentials: new Map(),
    credentialIdByKey: new Map(),
    usableCredentialIdBySlot: new Map(),
    nonces: new Map(),
    oauthClients: new Map(),
    tokenFamilies: new Map(),
    authorizationCodes: new Map(),
    refreshTokens: new Map(),
    signingKeys: new Map(),
    revokedAccessTokens: new Map(),
  };
}

/**
 * Throws `StoreUnavailableError` once the store is closed, as the SQL adapters do when their
 * connection is gone, so fail-closed paths (S-4) can be exercised against the memory store.
 * @param tables - the store's state.
 */
export function assertOpen(tables: MemoryTables): void {
  if (!tables.open) throw new StoreUnavailableError('memory store is closed');
}

/**
 * The key of the `credential.user_org` slot a non-revoked credential occupies.
 * @param userId - the credential's user.
 * @param organizationId - the credential's organization.
 */
export function credentialSlot(userId: string, organizationId: string): string {
  // JSON keeps ("a|b", "c") and ("a", "b|c") apart whatever characters ids contain.
  return JSON.stringify([userId, organizationId]);
}

/**
 * Orders records as the SQL adapters do: by creation time, then id.
 * @param a - first record.
 * @param b - second record.
 */
export function byCreation(
  a: { readonly createdAt: number; readonly id: string },
  b: { readonly createdAt: number; readonly id: string },
): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Orders text as the SQL adapters' `ORDER BY` does for the ids keygate uses.
 * @param a - first value.
 * @param b - second value.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
