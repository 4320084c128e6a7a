/**
 * The storage port: everything keygate persists goes through this interface, and every
 * adapter (SQLite, PostgreSQL) passes one conformance suite (`test/store/conformance.ts`).
 * Single-use rules live here as single atomic operations, never as read-then-write in
 * callers. The replay store and the rate-limit counters are a port of their own
 * (`replay_port.ts`), which Redis can take over.
 *
 * Times are unix seconds (integers). Ids are opaque strings chosen by the caller.
 */

import type { ReplayPort } from './replay_port.js';

/** An organization: the tenant a credential and a request act within. */
export interface OrganizationRecord {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  /** Set while the organization is disabled; null when active. */
  readonly disabledAt: number | null;
}

/** A person or robot that can sign in. */
export interface UserRecord {
  readonly id: string;
  /** Unique, case-sensitive as typed. */
  readonly login: string;
  readonly email: string | null;
  /** argon2id PHC string, or null for users who cannot sign in with a password. */
  readonly passwordHash: string | null;
  readonly createdAt: number;
  readonly disabledAt: number | null;
}

/** A user's membership of an organization. */
export interface MembershipRecord {
  readonly userId: string;
  readonly organizationId: string;
  readonly createdAt: number;
}

/** Lifecycle of an API credential: `disabled` can be undone, `revoked` cannot. */
export type CredentialStatus = 'active' | 'disabled' | 'revoked';

/** An API credential (W-8): a public key and an encrypted secret for one user in one organization. */
export interface CredentialRecord {
  readonly id: string;
  /** Public key id, sent as the WSSE Username in Penneo style. Unique. */
  readonly key: string;
  readonly userId: string;
  readonly organizationId: string;
  /** The secret sealed by the master keyring with this record's id as associated data (W-9). */
  readonly secretCiphertext: string;
  readonly status: CredentialStatus;
  readonly createdAt: number;
  /** When the secret was last set (creation or reset). */
  readonly secretSetAt: number;
}

/** Thrown by `create` operations when a unique rule would be broken. */
export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError';
  constructor(
    /** Which rule: e.g. `organization.name`, `user.login`, `credential.key`, `credential.user_org`. */
    readonly constraint: string,
  ) {
    super(`conflict on ${constraint}`);
  }
}

/** Thrown when the backing store cannot be reached; callers answer 503 (S-4). */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/** A part of the store that readiness checks: the database, or Redis when configured (S-2). */
export type StoreDependency = 'database' | 'redis';

/**
 * Thrown by `Store.ping` when the store cannot serve: `failed` names which dependencies failed
 * (all `/readyz` reports); the message adds the cause's own (for logs, as safe as the store's
 * other errors: an address, never a password), and the driver's error is the `cause`.
 */
export class StoreNotReadyError extends StoreUnavailableError {
  constructor(
    /** The dependencies that failed, at least one. */
    readonly failed: readonly StoreDependency[],
    options?: ErrorOptions,
  ) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`not ready: ${failed.join(', ')}${reason}`, options);
  }
}

/** Organizations. */
export interface OrganizationRepository {
  create(record: OrganizationRecord): Promise<void>;
  findById(id: string): Promise<OrganizationRecord | null>;
  findByName(name: string): Promise<OrganizationRecord | null>;
  list(): Promise<OrganizationRecord[]>;
  /** Sets or clears `disabledAt`; false when no such organization. */
  setDisabled(id: string, disabledAt: number | null): Promise<boolean>;
}

/** Users. */
export interface UserRepository {
  create(record: UserRecord): Promise<void>;
  findById(id: string): Promise<UserRecord | null>;
  findByLogin(login: string): Promise<UserRecord | null>;
  list(): Promise<UserRecord[]>;
  /** Count of all users; used to detect an empty installation. */
  count(): Promise<number>;
  setDisabled(id: string, disabledAt: number | null): Promise<boolean>;
  setPasswordHash(id: string, passwordHash: string): Promise<boolean>;
  /**
   * The user's session generation (0 for a new user), which login-page sessions are sealed
   * with; null when no such user.
   */
  findSessionGeneration(id: string): Promise<number | null>;
  /**
   * Moves the user's session generation on by one in one statement, ending every login-page
   * session sealed with an earlier one (password change, disablement: R-3); false when no such
   * user.
   */
  endSessions(id: string): Promise<boolean>;
}

/** Memberships. */
export interface MembershipRepository {
  /** Adds the membership; false when it already existed. */
  add(record: MembershipRecord): Promise<boolean>;
  isMember(userId: string, organizationId: string): Promise<boolean>;
  listForUser(userId: string): Promise<MembershipRecord[]>;
}

/** Filter for listing credentials. */
export interface CredentialFilter {
  readonly userId?: string;
  readonly organizationId?: string;
}

/** API credentials. */
export interface CredentialRepository {
  /**
   * Inserts a credential. Throws `StoreConflictError('credential.key')` on a duplicate key and
   * `StoreConflictError('credential.user_org')` when the user already has a non-revoked
   * credential in that organization (at most one per organization, W-8).
   */
  create(record: CredentialRecord): Promise<void>;
  findById(id: string): Promise<CredentialRecord | null>;
  findByKey(key: string): Promise<CredentialRecord | null>;
  /** The user's credentials that are not revoked, any organization. */
  listUsableForUser(userId: string): Promise<CredentialRecord[]>;
  list(filter?: CredentialFilter): Promise<CredentialRecord[]>;
  /** Replaces the secret ciphertext ("Reset keys"); false when no such credential or revoked. */
  replaceSecret(id: string, secretCiphertext: string, secretSetAt: number): Promise<boolean>;
  /** Changes status; a revoked credential never changes again (false). */
  setStatus(id: string, status: CredentialStatus): Promise<boolean>;
  /**
   * Re-seals every credential secret in one transaction (master key rotation, W-9):
   * `reseal` gets each record and returns its new ciphertext. All or nothing.
   * Returns the number of rows rewritten.
   */
  resealAll(reseal: (record: CredentialRecord) => string): Promise<number>;
}

/** OAuth 2.0 grant types keygate implements (O-7). */
export type GrantType = 'authorization_code' | 'refresh_token' | 'api_keys' | 'client_credentials';

/** A registered OAuth client (O-1). */
export interface OAuthClientRecord {
  /** Public identifier, unique. */
  readonly clientId: string;
  readonly name: string;
  /** SHA-256 (hex) of the client secret; null for public clients. */
  readonly secretHash: string | null;
  readonly redirectUris: readonly string[];
  readonly grantTypes: readonly GrantType[];
  readonly scopes: readonly string[];
  readonly skipConsent: boolean;
  /** PKCE S256 required for the authorization code grant (only confidential clients may opt out). */
  readonly requirePkce: boolean;
  /** Whether `code_challenge_method=plain` is accepted for this client. */
  readonly allowPlainPkce: boolean;
  /**
   * May introspect tokens issued to other clients (a resource server, RFC 7662 §4); without
   * it a client is told only about its own tokens.
   */
  readonly introspectAnyToken: boolean;
  /** Incremented whenever `scopes` changes; refresh tokens issued under an older version are dead (O-9). */
  readonly scopesVersion: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Fields `OAuthClientRepository.update` may change. */
export type OAuthClientPatch = Partial<
  Pick<
    OAuthClientRecord,
    | 'name'
    | 'secretHash'
    | 'redirectUris'
    | 'grantTypes'
    | 'scopes'
    | 'skipConsent'
    | 'requirePkce'
    | 'allowPlainPkce'
    | 'introspectAnyToken'
    | 'scopesVersion'
    | 'updatedAt'
  >
>;

/** OAuth clients. `create` throws `StoreConflictError('oauth_client.client_id')` on a duplicate. */
export interface OAuthClientRepository {
  create(record: OAuthClientRecord): Promise<void>;
  findByClientId(clientId: string): Promise<OAuthClientRecord | null>;
  list(): Promise<OAuthClientRecord[]>;
  /** Applies the patch; returns the updated record, or null when no such client. */
  update(clientId: string, patch: OAuthClientPatch): Promise<OAuthClientRecord | null>;
  /** Deletes the client and everything issued to it (codes, families, refresh tokens). */
  delete(clientId: string): Promise<boolean>;
}

/** A token family: every refresh token (and access token) descending from one grant (O-5, O-9, R-3). */
export interface TokenFamilyRecord {
  readonly id: string;
  readonly clientId: string;
  readonly userId: string;
  readonly organizationId: string;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

/** Token families. */
export interface TokenFamilyRepository {
  create(record: TokenFamilyRecord): Promise<void>;
  findById(id: string): Promise<TokenFamilyRecord | null>;
  /** Marks the family revoked; true when this call revoked it, false when already revoked or unknown. */
  revoke(id: string, revokedAt: number): Promise<boolean>;
  /**
   * Revokes, in one statement, every family of the user not revoked yet (password change, user
   * disablement: R-3); returns how many it revoked.
   */
  revokeForUser(userId: string, revokedAt: number): Promise<number>;
  /**
   * Deletes, in one statement, every family nothing can use any more, with its codes and
   * refresh tokens: created before `now - graceSeconds`, with no refresh token that expires at
   * or after `now` (a consumed one must still reveal its reuse until then, O-9) or was issued
   * at or after `now - graceSeconds`, and no authorization code that expires at or after
   * `now - graceSeconds`. `graceSeconds` must cover the longest access token lifetime, since an
   * access token of a family that no longer exists is refused. Returns how many families
   * it deleted.
   */
  purgeExpired(now: number, graceSeconds: number): Promise<number>;
}

/** PKCE methods (O-3). */
export type PkceMethod = 'S256' | 'plain';

/** An authorization code (O-5). Only its hash is stored. */
export interface AuthorizationCodeRecord {
  /** SHA-256 (hex) of the code. */
  readonly codeHash: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scope: string;
  readonly userId: string;
  readonly organizationId: string;
  readonly codeChallenge: string | null;
  readonly codeChallengeMethod: PkceMethod | null;
  /** The family the code's tokens will belong to, so a second redemption can revoke them. */
  readonly familyId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly consumedAt: number | null;
}

/** Outcome of consuming an authorization code. */
export type CodeConsumption =
  | {
      readonly outcome: 'consumed';
      readonly record: AuthorizationCodeRecord;
      /**
       * Whether the code's token family was already revoked when this call consumed the code
       * (read in the same atomic step, so a revocation by a concurrent second redemption, which
       * can only follow the consumption, never counts).
       */
      readonly familyRevoked: boolean;
    }
  | { readonly outcome: 'already_consumed'; readonly record: AuthorizationCodeRecord }
  | { readonly outcome: 'unknown' };

/** Authorization codes. */
export interface AuthorizationCodeRepository {
  create(record: AuthorizationCodeRecord): Promise<void>;
  /**
   * Marks the code consumed at `now` as one atomic compare-and-set: concurrent callers with one
   * code get exactly one `consumed`; the others `already_consumed`. Expiry is the caller's rule
   * (the record is returned either way).
   */
  consume(codeHash: string, now: number): Promise<CodeConsumption>;
  /** Drops codes that expired before `now`; returns how many. */
  purgeExpired(now: number): Promise<number>;
}

/** A refresh token's server-side state (O-9): the JWT carries `jti`, this row decides. */
export interface RefreshTokenRecord {
  readonly jti: string;
  readonly familyId: string;
  readonly clientId: string;
  readonly userId: string;
  readonly organizationId: string;
  readonly scope: string;
  /** The client's `scopesVersion` when issued. */
  readonly clientScopesVersion: number;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly consumedAt: number | null;
  readonly successorJti: string | null;
  /**
   * The successor's token response, sealed with the master keyring, kept only when the
   * server's refresh reuse interval is on, so the immediate predecessor can get it again.
   */
  readonly successorResponseSealed: string | null;
}

/** Outcome of rotating a refresh token. */
export type RefreshRotation =
  | { readonly outcome: 'rotated'; readonly consumed: RefreshTokenRecord }
  | { readonly outcome: 'already_consumed'; readonly record: RefreshTokenRecord }
  | { readonly outcome: 'unknown' };

/** Refresh tokens. */
export interface RefreshTokenRepository {
  /** Stores a first refresh token of a family. */
  create(record: RefreshTokenRecord): Promise<void>;
  findByJti(jti: string): Promise<RefreshTokenRecord | null>;
  /**
   * All or nothing: marks `jti` consumed with one atomic compare-and-set, records the
   * successor's jti and sealed response on it, and inserts `successor`. Concurrent callers with
   * one jti get exactly one `rotated`; the others `already_consumed` (with the successor fields
   * set).
   */
  rotate(
    jti: string,
    now: number,
    successor: RefreshTokenRecord,
    successorResponseSealed: string | null,
  ): Promise<RefreshRotation>;
}

/** A JWT signing key (O-11). */
export interface SigningKeyRecord {
  readonly kid: string;
  readonly alg: 'ES256';
  /** Public JWK as JSON text (never private parameters). */
  readonly publicJwk: string;
  /** Private JWK sealed with the master keyring, `kid` as associated data. */
  readonly privateJwkSealed: string;
  readonly createdAt: number;
  /** Published from `createdAt`; used for signing from this time on (announce period). */
  readonly activatesAt: number;
  /** Set when a newer key took over; published until every token it signed has expired. */
  readonly retiredAt: number | null;
}

/** Signing keys. */
export interface SigningKeyRepository {
  create(record: SigningKeyRecord): Promise<void>;
  /** All keys, oldest first. */
  list(): Promise<SigningKeyRecord[]>;
  /** Sets `retiredAt` if not set; false when unknown or already retired. */
  retire(kid: string, retiredAt: number): Promise<boolean>;
  /** Deletes keys retired before `before` (their tokens have all expired); returns how many. */
  deleteRetiredBefore(before: number): Promise<number>;
  /** Re-seals every private key in one transaction (master key rotation). */
  resealAll(reseal: (record: SigningKeyRecord) => string): Promise<number>;
}

/** Revoked access tokens (RFC 7009), kept until they would have expired anyway. */
export interface RevokedAccessTokenRepository {
  /** Records the revocation; idempotent. */
  add(jti: string, expiresAt: number): Promise<void>;
  isRevoked(jti: string): Promise<boolean>;
  purgeExpired(now: number): Promise<number>;
}

/**
 * A legacy refresh token's server-side state (L-3). The token itself is a random opaque string
 * handed out once; only its SHA-256 is stored. It is reusable, and dies when no JWT was made
 * from it for the idle period (sliding), or when revoked (password change, user disablement).
 */
export interface LegacyRefreshTokenRecord {
  /** Public id, carried by the JWTs made from the token (`rid`) so revocation reaches them. */
  readonly id: string;
  /** SHA-256 (hex) of the token. Unique. */
  readonly tokenHash: string;
  readonly userId: string;
  readonly organizationId: string;
  readonly createdAt: number;
  /** When a JWT was last made from it; issuing the token counts as a use. */
  readonly lastUsedAt: number;
  readonly revokedAt: number | null;
}

/** Legacy refresh tokens (L-3). */
export interface LegacyRefreshTokenRepository {
  /**
   * Inserts a token. Throws `StoreConflictError('legacy_refresh_token.id')` or
   * `('legacy_refresh_token.token_hash')` on a duplicate and `StoreReferenceError` for an
   * unknown user or organization.
   */
  create(record: LegacyRefreshTokenRecord): Promise<void>;
  findById(id: string): Promise<LegacyRefreshTokenRecord | null>;
  /**
   * Uses the token as one atomic operation: when it is live (not revoked, used less than
   * `idleSeconds` ago) moves `lastUsedAt` to `now` and returns the updated record; otherwise
   * changes nothing and returns null. `lastUsedAt` never moves back.
   */
  use(
    tokenHash: string,
    now: number,
    idleSeconds: number,
  ): Promise<LegacyRefreshTokenRecord | null>;
  /** Revokes every live token of the user; returns how many it revoked. */
  revokeForUser(userId: string, now: number): Promise<number>;
  /** Deletes revoked tokens and tokens idle for `idleSeconds` or more; returns how many. */
  purge(now: number, idleSeconds: number): Promise<number>;
}

/** The whole storage port, the replay port included. */
export interface Store extends ReplayPort {
  readonly kind: 'sqlite' | 'postgres';
  readonly organizations: OrganizationRepository;
  readonly users: UserRepository;
  readonly memberships: MembershipRepository;
  readonly credentials: CredentialRepository;
  readonly oauthClients: OAuthClientRepository;
  readonly tokenFamilies: TokenFamilyRepository;
  readonly authorizationCodes: AuthorizationCodeRepository;
  readonly refreshTokens: RefreshTokenRepository;
  readonly signingKeys: SigningKeyRepository;
  readonly revokedAccessTokens: RevokedAccessTokenRepository;
  readonly legacyRefreshTokens: LegacyRefreshTokenRepository;
  /**
   * Optional change detection for caches of what authentication reads (organizations, users,
   * memberships, credentials, OAuth clients, signing keys), so a key disabled, reset or
   * revoked, a client deleted or changed, or a signing key rotated, anywhere (this store,
   * another connection, the `keygate` CLI in another process) takes effect on the next request.
   *
   * Returns an opaque token, synchronously and cheaply (it is called on every authenticated
   * request). Contract: once a write to those tables has committed through this store (or any
   * connection of this process), every later call returns a token different from every token
   * returned before that commit; once another process's write has committed, every call from
   * the next turn of the event loop on does. A caller may therefore keep serving a value it
   * read after seeing token T for as long as this still returns T. The token may also change
   * for unrelated writes or spontaneously (callers only refill their cache).
   *
   * Adapters that cannot observe other processes' commits cheaply may relax the second rule:
   * the token moves on some time after another process's commit, and also changes with time
   * (e.g. the current second, bounding staleness to about 1 s), or on every call while the
   * adapter cannot tell; this process's own writes still move it on at once. An adapter may
   * also omit the method: callers then read the store on every request and cache nothing.
   *
   * Throws `StoreUnavailableError` once the store is closed or unreachable.
   */
  dataVersion?(): string | number;
  /**
   * Resolves when the store answers and accepts writes (a committed write, not only a read:
   * a full disk, a read-only file system or replica, a deleted database file, a Redis out of
   * memory all fail it); rejects with `StoreNotReadyError` naming what failed otherwise.
   */
  ping(): Promise<void>;
  close(): Promise<void>;
}
