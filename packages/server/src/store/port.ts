/**
 * The storage port: everything keygate persists goes through this interface, and every
 * adapter (memory, SQLite, later PostgreSQL and Redis) passes one conformance suite
 * (`test/store/conformance.ts`). Single-use rules live here as single atomic operations,
 * never as read-then-write in callers.
 *
 * Times are unix seconds (integers). Ids are opaque strings chosen by the caller.
 */

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

/** The replay store (W-6). */
export interface NonceStore {
  /**
   * Records `key` as used for `ttlSeconds` from `now` (a negative ttl means forever).
   * Returns true exactly once per live key, as one atomic operation: concurrent callers with
   * the same key get exactly one true. A key whose record has expired may be consumed again.
   */
  consume(key: string, ttlSeconds: number, now: number): Promise<boolean>;
  /** Forgets every nonce (`keygate wsse nonces delete`); returns how many were dropped. */
  deleteAll(): Promise<number>;
  /** Drops expired records; returns how many. */
  purgeExpired(now: number): Promise<number>;
}

/** The whole storage port. */
export interface Store {
  readonly kind: 'memory' | 'sqlite' | 'postgres';
  readonly organizations: OrganizationRepository;
  readonly users: UserRepository;
  readonly memberships: MembershipRepository;
  readonly credentials: CredentialRepository;
  readonly nonces: NonceStore;
  /** Resolves when the store answers; rejects with `StoreUnavailableError` otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
