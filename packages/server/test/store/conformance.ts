import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  AuthorizationCodeRecord,
  CredentialRecord,
  LegacyRefreshTokenRecord,
  OAuthClientPatch,
  OAuthClientRecord,
  OrganizationRecord,
  RefreshTokenRecord,
  SigningKeyRecord,
  Store,
  TokenFamilyRecord,
  UserRecord,
} from '../../src/store/port.js';
import { StoreConflictError, StoreUnavailableError } from '../../src/store/port.js';
import { StoreReferenceError } from '../../src/store/store_reference_error.js';
import { describeReplayStoreConformance } from './replay_conformance.js';

/** A store under test and how to dispose of it (close it, drop its file or schema). */
export interface StoreUnderTest {
  readonly store: Store;
  /** Called after every test; must tolerate a store the test already closed. */
  readonly cleanup: () => Promise<void>;
}

/**
 * Realistic unix seconds, so adapters that hand expiry to a server clock (Redis `EXAT`) see
 * sensible times; every test still passes `now` explicitly and never sleeps.
 */
const T0 = Math.floor(Date.now() / 1000);
const YEAR = 365 * 24 * 3600;

function organization(id: string, overrides: Partial<OrganizationRecord> = {}): OrganizationRecord {
  return { id, name: `name-${id}`, createdAt: T0, disabledAt: null, ...overrides };
}

function user(id: string, overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id,
    login: `login-${id}`,
    email: null,
    passwordHash: null,
    createdAt: T0,
    disabledAt: null,
    ...overrides,
  };
}

function credential(
  id: string,
  userId: string,
  organizationId: string,
  overrides: Partial<CredentialRecord> = {},
): CredentialRecord {
  return {
    id,
    key: `key-${id}`,
    userId,
    organizationId,
    secretCiphertext: `sealed-${id}`,
    status: 'active',
    createdAt: T0,
    secretSetAt: T0,
    ...overrides,
  };
}

function oauthClient(
  clientId: string,
  overrides: Partial<OAuthClientRecord> = {},
): OAuthClientRecord {
  return {
    clientId,
    name: `client ${clientId}`,
    secretHash: 'ab'.repeat(32),
    redirectUris: ['https://app.example.test/callback', 'http://localhost:8080/cb?tenant=1'],
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: ['read', 'write'],
    skipConsent: false,
    requirePkce: true,
    allowPlainPkce: false,
    introspectAnyToken: false,
    scopesVersion: 1,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function tokenFamily(
  id: string,
  clientId: string,
  overrides: Partial<TokenFamilyRecord> = {},
): TokenFamilyRecord {
  return {
    id,
    clientId,
    userId: 'u1',
    organizationId: 'o1',
    createdAt: T0,
    revokedAt: null,
    ...overrides,
  };
}

function authorizationCode(
  codeHash: string,
  clientId: string,
  familyId: string,
  overrides: Partial<AuthorizationCodeRecord> = {},
): AuthorizationCodeRecord {
  return {
    codeHash,
    clientId,
    redirectUri: 'https://app.example.test/callback',
    scope: 'read write',
    userId: 'u1',
    organizationId: 'o1',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    codeChallengeMethod: 'S256',
    familyId,
    createdAt: T0,
    expiresAt: T0 + 60,
    consumedAt: null,
    ...overrides,
  };
}

function refreshToken(
  jti: string,
  familyId: string,
  clientId: string,
  overrides: Partial<RefreshTokenRecord> = {},
): RefreshTokenRecord {
  return {
    jti,
    familyId,
    clientId,
    userId: 'u1',
    organizationId: 'o1',
    scope: 'read write',
    clientScopesVersion: 1,
    issuedAt: T0,
    expiresAt: T0 + 432000,
    consumedAt: null,
    successorJti: null,
    successorResponseSealed: null,
    ...overrides,
  };
}

function signingKey(kid: string, overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
  return {
    kid,
    alg: 'ES256',
    publicJwk: JSON.stringify({ kty: 'EC', crv: 'P-256', x: `x-${kid}`, y: `y-${kid}` }),
    privateJwkSealed: `sealed-${kid}`,
    createdAt: T0,
    activatesAt: T0,
    retiredAt: null,
    ...overrides,
  };
}

/** Resolves to what `promise` rejected with; fails the test if it fulfilled. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the operation to reject'),
    (error: unknown) => error,
  );
}

async function expectConflict(promise: Promise<unknown>, constraint: string): Promise<void> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(StoreConflictError);
  expect((error as StoreConflictError).constraint).toBe(constraint);
}

function byId<T extends { readonly id: string }>(records: readonly T[]): T[] {
  return [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function ids(records: readonly { readonly id: string }[]): string[] {
  return records.map((r) => r.id).sort();
}

/**
 * The storage port's conformance suite (S-3): every operation and rule of `port.ts`, each
 * case asserting what a caller can observe, plus the concurrency cases the single-use rules
 * exist for. Every database adapter (SQLite, PostgreSQL) runs this same suite.
 * @param name - the adapter's name, shown in test titles.
 * @param factory - opens a fresh, empty store for each test.
 */
export function describeStoreConformance(
  name: string,
  factory: () => Promise<StoreUnderTest>,
): void {
  describe(`store conformance: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await factory());
    });

    afterEach(async () => {
      await cleanup();
    });

    /** One organization `o1` with user `u1`, the usual owner of a credential. */
    async function seed(): Promise<void> {
      await store.organizations.create(organization('o1'));
      await store.users.create(user('u1'));
    }

    /** {@link seed} plus client `cl1` and its token family `f1` for `u1` in `o1`. */
    async function seedOAuth(): Promise<void> {
      await seed();
      await store.oauthClients.create(oauthClient('cl1'));
      await store.tokenFamilies.create(tokenFamily('f1', 'cl1'));
    }

    describe('organizations', () => {
      it('round-trips a record by id and by name', async () => {
        const acme = organization('o1', { name: 'Acme', createdAt: T0 - 5 });
        const gone = organization('o2', { name: 'Gone', disabledAt: T0 - 1 });
        await store.organizations.create(acme);
        await store.organizations.create(gone);
        expect(await store.organizations.findById('o1')).toEqual(acme);
        expect(await store.organizations.findByName('Gone')).toEqual(gone);
      });

      it('answers null for an unknown id or name', async () => {
        await store.organizations.create(organization('o1', { name: 'Acme' }));
        expect(await store.organizations.findById('nope')).toBeNull();
        expect(await store.organizations.findByName('acme')).toBeNull();
      });

      it('rejects a duplicate id (organization.id) and keeps the first record', async () => {
        await store.organizations.create(organization('o1', { name: 'first' }));
        await expectConflict(
          store.organizations.create(organization('o1', { name: 'second' })),
          'organization.id',
        );
        expect((await store.organizations.findById('o1'))?.name).toBe('first');
        expect(await store.organizations.findByName('second')).toBeNull();
      });

      it('rejects a duplicate name (organization.name)', async () => {
        await store.organizations.create(organization('o1', { name: 'Acme' }));
        await expectConflict(
          store.organizations.create(organization('o2', { name: 'Acme' })),
          'organization.name',
        );
        expect(await store.organizations.findById('o2')).toBeNull();
      });

      it('lists every organization', async () => {
        const all = [organization('o1'), organization('o2'), organization('o3')];
        for (const o of all) await store.organizations.create(o);
        expect(byId(await store.organizations.list())).toEqual(all);
      });

      it('sets and clears disabledAt; false for an unknown id', async () => {
        await store.organizations.create(organization('o1'));
        expect(await store.organizations.setDisabled('o1', T0 + 7)).toBe(true);
        expect((await store.organizations.findById('o1'))?.disabledAt).toBe(T0 + 7);
        expect(await store.organizations.setDisabled('o1', null)).toBe(true);
        expect((await store.organizations.findById('o1'))?.disabledAt).toBeNull();
        expect(await store.organizations.setDisabled('nope', T0)).toBe(false);
        expect(await store.organizations.findById('nope')).toBeNull();
      });
    });

    describe('users', () => {
      it('round-trips a record by id and by login', async () => {
        const alice = user('u1', {
          login: 'alice',
          email: 'alice@example.test',
          passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
          createdAt: T0 - 9,
        });
        const robot = user('u2', { login: 'robot', disabledAt: T0 - 2 });
        await store.users.create(alice);
        await store.users.create(robot);
        expect(await store.users.findById('u1')).toEqual(alice);
        expect(await store.users.findByLogin('robot')).toEqual(robot);
      });

      it('treats logins as case-sensitive, as typed', async () => {
        await store.users.create(user('u1', { login: 'alice' }));
        await store.users.create(user('u2', { login: 'Alice' }));
        expect((await store.users.findByLogin('alice'))?.id).toBe('u1');
        expect((await store.users.findByLogin('Alice'))?.id).toBe('u2');
        expect(await store.users.findByLogin('ALICE')).toBeNull();
      });

      it('answers null for an unknown id or login', async () => {
        expect(await store.users.findById('nope')).toBeNull();
        expect(await store.users.findByLogin('nope')).toBeNull();
      });

      it('rejects a duplicate id (user.id)', async () => {
        await store.users.create(user('u1', { login: 'alice' }));
        await expectConflict(store.users.create(user('u1', { login: 'bob' })), 'user.id');
        expect(await store.users.findByLogin('bob')).toBeNull();
        expect(await store.users.count()).toBe(1);
      });

      it('rejects a duplicate login (user.login)', async () => {
        await store.users.create(user('u1', { login: 'alice' }));
        await expectConflict(store.users.create(user('u2', { login: 'alice' })), 'user.login');
        expect(await store.users.findById('u2')).toBeNull();
      });

      it('lists and counts every user', async () => {
        expect(await store.users.count()).toBe(0);
        expect(await store.users.list()).toEqual([]);
        const all = [user('u1'), user('u2'), user('u3')];
        for (const u of all) await store.users.create(u);
        expect(await store.users.count()).toBe(3);
        expect(byId(await store.users.list())).toEqual(all);
      });

      it('sets and clears disabledAt; false for an unknown id', async () => {
        await store.users.create(user('u1'));
        expect(await store.users.setDisabled('u1', T0 + 3)).toBe(true);
        expect((await store.users.findById('u1'))?.disabledAt).toBe(T0 + 3);
        expect(await store.users.setDisabled('u1', null)).toBe(true);
        expect((await store.users.findById('u1'))?.disabledAt).toBeNull();
        expect(await store.users.setDisabled('nope', T0)).toBe(false);
      });

      it('replaces the password hash; false for an unknown id', async () => {
        await store.users.create(user('u1', { passwordHash: 'old' }));
        expect(await store.users.setPasswordHash('u1', 'new')).toBe(true);
        expect((await store.users.findById('u1'))?.passwordHash).toBe('new');
        expect(await store.users.setPasswordHash('nope', 'new')).toBe(false);
        expect(await store.users.count()).toBe(1);
      });

      it('starts a session generation at 0 and moves it on by one per endSessions', async () => {
        await store.users.create(user('u1'));
        await store.users.create(user('u2', { login: 'other' }));
        expect(await store.users.findSessionGeneration('u1')).toBe(0);
        expect(await store.users.endSessions('u1')).toBe(true);
        expect(await store.users.endSessions('u1')).toBe(true);
        expect(await store.users.findSessionGeneration('u1')).toBe(2);
        expect(await store.users.findSessionGeneration('u2')).toBe(0);
        expect(await store.users.endSessions('nope')).toBe(false);
        expect(await store.users.findSessionGeneration('nope')).toBeNull();
      });

      it('moves the session generation on atomically: 20 parallel calls, 20 steps', async () => {
        await store.users.create(user('u1'));
        await Promise.all(Array.from({ length: 20 }, () => store.users.endSessions('u1')));
        expect(await store.users.findSessionGeneration('u1')).toBe(20);
      });
    });

    describe('memberships', () => {
      it('adds once: true, then false, keeping the first record', async () => {
        await seed();
        expect(
          await store.memberships.add({ userId: 'u1', organizationId: 'o1', createdAt: T0 }),
        ).toBe(true);
        expect(
          await store.memberships.add({ userId: 'u1', organizationId: 'o1', createdAt: T0 + 9 }),
        ).toBe(false);
        expect(await store.memberships.listForUser('u1')).toEqual([
          { userId: 'u1', organizationId: 'o1', createdAt: T0 },
        ]);
      });

      it('answers isMember per user and organization', async () => {
        await seed();
        await store.organizations.create(organization('o2'));
        await store.users.create(user('u2'));
        await store.memberships.add({ userId: 'u1', organizationId: 'o1', createdAt: T0 });
        expect(await store.memberships.isMember('u1', 'o1')).toBe(true);
        expect(await store.memberships.isMember('u1', 'o2')).toBe(false);
        expect(await store.memberships.isMember('u2', 'o1')).toBe(false);
        expect(await store.memberships.isMember('nope', 'nope')).toBe(false);
      });

      it("lists only the user's memberships", async () => {
        await seed();
        await store.organizations.create(organization('o2'));
        await store.users.create(user('u2'));
        await store.memberships.add({ userId: 'u1', organizationId: 'o1', createdAt: T0 });
        await store.memberships.add({ userId: 'u1', organizationId: 'o2', createdAt: T0 + 1 });
        await store.memberships.add({ userId: 'u2', organizationId: 'o1', createdAt: T0 });
        const listed = await store.memberships.listForUser('u1');
        expect(listed.map((m) => m.organizationId).sort()).toEqual(['o1', 'o2']);
        expect(listed.every((m) => m.userId === 'u1')).toBe(true);
        expect(await store.memberships.listForUser('nope')).toEqual([]);
      });

      it('refuses an unknown user or organization (StoreReferenceError)', async () => {
        await seed();
        const unknownOrg = await rejectionOf(
          store.memberships.add({ userId: 'u1', organizationId: 'nope', createdAt: T0 }),
        );
        expect(unknownOrg).toBeInstanceOf(StoreReferenceError);
        const unknownUser = await rejectionOf(
          store.memberships.add({ userId: 'nope', organizationId: 'o1', createdAt: T0 }),
        );
        expect(unknownUser).toBeInstanceOf(StoreReferenceError);
        expect(await store.memberships.listForUser('u1')).toEqual([]);
      });
    });

    describe('credentials', () => {
      it('round-trips a record by id and by key', async () => {
        await seed();
        const record = credential('c1', 'u1', 'o1', {
          key: 'k-penneo',
          secretCiphertext: 'v1.aaa.bbb.ccc',
          status: 'disabled',
          createdAt: T0 - 30,
          secretSetAt: T0 - 20,
        });
        await store.credentials.create(record);
        expect(await store.credentials.findById('c1')).toEqual(record);
        expect(await store.credentials.findByKey('k-penneo')).toEqual(record);
      });

      it('answers null for an unknown id or key', async () => {
        await seed();
        await store.credentials.create(credential('c1', 'u1', 'o1'));
        expect(await store.credentials.findById('nope')).toBeNull();
        expect(await store.credentials.findByKey('nope')).toBeNull();
        expect(await store.credentials.findByKey('KEY-C1')).toBeNull();
      });

      it('rejects a duplicate id (credential.id)', async () => {
        await seed();
        await store.organizations.create(organization('o2'));
        await store.credentials.create(credential('c1', 'u1', 'o1'));
        await expectConflict(
          store.credentials.create(credential('c1', 'u1', 'o2', { key: 'other' })),
          'credential.id',
        );
        expect(await store.credentials.findByKey('other')).toBeNull();
      });

      it('rejects a duplicate key (credential.key), even across users', async () => {
        await seed();
        await store.users.create(user('u2'));
        await store.credentials.create(credential('c1', 'u1', 'o1', { key: 'shared' }));
        await expectConflict(
          store.credentials.create(credential('c2', 'u2', 'o1', { key: 'shared' })),
          'credential.key',
        );
        expect(await store.credentials.findById('c2')).toBeNull();
      });

      it('allows one non-revoked credential per user and organization (credential.user_org)', async () => {
        await seed();
        await store.credentials.create(credential('c1', 'u1', 'o1', { status: 'disabled' }));
        await expectConflict(
          store.credentials.create(credential('c2', 'u1', 'o1')),
          'credential.user_org',
        );
        await expectConflict(
          store.credentials.create(credential('c3', 'u1', 'o1', { status: 'disabled' })),
          'credential.user_org',
        );
        expect(ids(await store.credentials.list())).toEqual(['c1']);
      });

      it('lets the same user hold one credential in each organization, and users share an organization', async () => {
        await seed();
        await store.organizations.create(organization('o2'));
        await store.users.create(user('u2'));
        await store.credentials.create(credential('c1', 'u1', 'o1'));
        await store.credentials.create(credential('c2', 'u1', 'o2'));
        await store.credentials.create(credential('c3', 'u2', 'o1'));
        expect(ids(await store.credentials.list())).toEqual(['c1', 'c2', 'c3']);
      });

      it('frees the slot when the credential is revoked', async () => {
        await seed();
        await store.credentials.create(credential('c1', 'u1', 'o1'));
        expect(await store.credentials.setStatus('c1', 'revoked')).toBe(true);
        await store.credentials.create(credential('c2', 'u1', 'o1'));
        expect(ids(await store.credentials.listUsableForUser('u1'))).toEqual(['c2']);
        expect((await store.credentials.findById('c1'))?.status).toBe('revoked');
      });

      it('does not count revoked credentials against the slot at creation', async () => {
        await seed();
        await store.credentials.create(credential('c1', 'u1', 'o1', { status: 'revoked' }));
        await store.credentials.create(credential('c2', 'u1', 'o1', { status: 'revoked' }));
        await store.credentials.create(credential('c3', 'u1', 'o1'));
        expect(ids(await store.credentials.list())).toEqual(['c1', 'c2', 'c3']);
      });

      it('refuses an unknown user or organization (StoreReferenceError)', async () => {
        await seed();
        expect(
          await rejectionOf(store.credentials.create(credential('c1', 'nope', 'o1'))),
        ).toBeInstanceOf(StoreReferenceError);
        expect(
          await rejectionOf(store.credentials.create(credential('c2', 'u1', 'nope'))),
        ).toBeInstanceOf(StoreReferenceError);
        expect(await store.credentials.list()).toEqual([]);
      });

      it('moves between active and disabled; false for an unknown id', async () => {
        await seed();
        await store.credentials.create(credential('c1', 'u1', 'o1'));
        expect(await store.credentials.setStatus('c1', 'disabled')).toBe(true);
        expect((await store.credentials.findById('c1'))?.status).toBe('disabled');
        expect(await store.credentials.setStatus('c1', 'active')).toBe(true);
        expect((await store.credentials.findByKey('key-c1'))?.status).toBe('active');
        expect(await store.credentials.setStatus('nope', 'disabled')).toBe(false);
        expect(await store.credentials.findById('nope')).toBeNull();
      });

      it('never changes a revoked credential again', async () => {
        await seed();
        await store.credentials.create(credential('c1', 'u1', 'o1'));
        expect(await store.credentials.setStatus('c1', 'revoked')).toBe(true);
        expect(await store.credentials.setStatus('c1', 'active')).toBe(false);
        expect(await store.credentials.setStatus('c1', 'disabled')).toBe(false);
        expect(await store.credentials.setStatus('c1', 'revoked')).toBe(false);
        expect((await store.credentials.findById('c1'))?.status).toBe('revoked');
      });

      it('replaces the secret and its time; false for an unknown id', async () => {
        await seed();
        await store.credentials.create(credential('c1', 'u1', 'o1', { status: 'disabled' }));
        expect(await store.credentials.replaceSecret('c1', 'sealed-new', T0 + 60)).toBe(true);
        const after = await store.credentials.findById('c1');
        expect(after).toEqual(
          credential('c1', 'u1', 'o1', {
            status: 'disabled',
            secretCiphertext: 'sealed-new',
            secretSetAt: T0 + 60,
          }),
        );
        expect(await store.credentials.replaceSecret('nope', 'x', T0)).toBe(false);
      });

      it('refuses to replace the secret of a revoked credential', async () => {
        await seed();
        await store.credentials.create(credential('c1', 'u1', 'o1'));
        await store.credentials.setStatus('c1', 'revoked');
        expect(await store.credentials.replaceSecret('c1', 'sealed-new', T0 + 60)).toBe(false);
        const after = await store.credentials.findById('c1');
        expect(after?.secretCiphertext).toBe('sealed-c1');
        expect(after?.secretSetAt).toBe(T0);
      });

      it("lists a user's usable credentials: active and disabled, any organization, never revoked", async () => {
        await seed();
        await store.organizations.create(organization('o2'));
        await store.organizations.create(organization('o3'));
        await store.users.create(user('u2'));
        await store.credentials.create(credential('c1', 'u1', 'o1'));
        await store.credentials.create(credential('c2', 'u1', 'o2', { status: 'disabled' }));
        await store.credentials.create(credential('c3', 'u1', 'o3', { status: 'revoked' }));
        await store.credentials.create(credential('c4', 'u2', 'o1'));
        const usable = await store.credentials.listUsableForUser('u1');
        expect(byId(usable)).toEqual([
          credential('c1', 'u1', 'o1'),
          credential('c2', 'u1', 'o2', { status: 'disabled' }),
        ]);
        expect(await store.credentials.listUsableForUser('nope')).toEqual([]);
      });

      it('lists by user, by organization, by both, or all', async () => {
        await seed();
        await store.organizations.create(organization('o2'));
        await store.users.create(user('u2'));
        await store.credentials.create(credential('c1', 'u1', 'o1'));
        await store.credentials.create(credential('c2', 'u1', 'o2', { status: 'revoked' }));
        await store.credentials.create(credential('c3', 'u2', 'o1'));
        await store.credentials.create(credential('c4', 'u2', 'o2', { status: 'disabled' }));
        expect(ids(await store.credentials.list())).toEqual(['c1', 'c2', 'c3', 'c4']);
        expect(ids(await store.credentials.list({}))).toEqual(['c1', 'c2', 'c3', 'c4']);
        expect(ids(await store.credentials.list({ userId: 'u1' }))).toEqual(['c1', 'c2']);
        expect(ids(await store.credentials.list({ organizationId: 'o1' }))).toEqual(['c1', 'c3']);
        expect(ids(await store.credentials.list({ userId: 'u2', organizationId: 'o2' }))).toEqual([
          'c4',
        ]);
        expect(await store.credentials.list({ userId: 'nope' })).toEqual([]);
        expect(byId(await store.credentials.list({ userId: 'u1' }))[1]).toEqual(
          credential('c2', 'u1', 'o2', { status: 'revoked' }),
        );
      });

      it('reseals every row, revoked included, in one call', async () => {
        await seed();
        await store.organizations.create(organization('o2'));
        await store.credentials.create(credential('c1', 'u1', 'o1'));
        await store.credentials.create(credential('c2', 'u1', 'o2', { status: 'revoked' }));
        await store.credentials.create(credential('c3', 'u1', 'o1', { status: 'revoked' }));
        const seen: CredentialRecord[] = [];
        const count = await store.credentials.resealAll((record) => {
          seen.push(record);
          return `resealed(${record.secretCiphertext})`;
        });
        expect(count).toBe(3);
        expect(byId(seen)).toEqual([
          credential('c1', 'u1', 'o1'),
          credential('c2', 'u1', 'o2', { status: 'revoked' }),
          credential('c3', 'u1', 'o1', { status: 'revoked' }),
        ]);
        expect(byId(await store.credentials.list())).toEqual([
          credential('c1', 'u1', 'o1', { secretCiphertext: 'resealed(sealed-c1)' }),
          credential('c2', 'u1', 'o2', {
            status: 'revoked',
            secretCiphertext: 'resealed(sealed-c2)',
          }),
          credential('c3', 'u1', 'o1', {
            status: 'revoked',
            secretCiphertext: 'resealed(sealed-c3)',
          }),
        ]);
      });

      it('reseals nothing in an empty store', async () => {
        let calls = 0;
        expect(
          await store.credentials.resealAll(() => {
            calls += 1;
            return 'x';
          }),
        ).toBe(0);
        expect(calls).toBe(0);
      });

      it('reseals all or nothing: a callback throwing midway leaves every row as it was', async () => {
        await seed();
        await store.organizations.create(organization('o2'));
        await store.organizations.create(organization('o3'));
        const before = [
          credential('c1', 'u1', 'o1'),
          credential('c2', 'u1', 'o2'),
          credential('c3', 'u1', 'o3'),
        ];
        for (const c of before) await store.credentials.create(c);
        const boom = new Error('keyring refused');
        let calls = 0;
        const error = await rejectionOf(
          store.credentials.resealAll((record) => {
            calls += 1;
            if (calls === 2) throw boom;
            return `resealed(${record.secretCiphertext})`;
          }),
        );
        expect(error).toBe(boom);
        expect(calls).toBe(2);
        expect(byId(await store.credentials.list())).toEqual(before);
        // The store is still usable afterwards (no transaction left open).
        expect(await store.credentials.resealAll((r) => `ok(${r.id})`)).toBe(3);
        expect((await store.credentials.findById('c2'))?.secretCiphertext).toBe('ok(c2)');
      });
    });

    describe('oauth clients', () => {
      it('round-trips a record with its lists and flags', async () => {
        const confidential = oauthClient('cl1', {
          name: 'Penneo app',
          skipConsent: true,
          allowPlainPkce: true,
          introspectAnyToken: true,
          scopesVersion: 7,
          createdAt: T0 - 50,
          updatedAt: T0 - 10,
        });
        const machine = oauthClient('cl2', {
          secretHash: null,
          redirectUris: [],
          grantTypes: ['client_credentials', 'api_keys'],
          scopes: [],
          requirePkce: false,
        });
        await store.oauthClients.create(confidential);
        await store.oauthClients.create(machine);
        expect(await store.oauthClients.findByClientId('cl1')).toEqual(confidential);
        expect(await store.oauthClients.findByClientId('cl2')).toEqual(machine);
      });

      it('answers null for an unknown client id; ids are case-sensitive', async () => {
        await store.oauthClients.create(oauthClient('Client-A'));
        expect(await store.oauthClients.findByClientId('client-a')).toBeNull();
        expect(await store.oauthClients.findByClientId('nope')).toBeNull();
      });

      it('rejects a duplicate client id (oauth_client.client_id) and keeps the first record', async () => {
        await store.oauthClients.create(oauthClient('cl1', { name: 'first' }));
        await expectConflict(
          store.oauthClients.create(oauthClient('cl1', { name: 'second' })),
          'oauth_client.client_id',
        );
        expect((await store.oauthClients.findByClientId('cl1'))?.name).toBe('first');
        expect(await store.oauthClients.list()).toHaveLength(1);
      });

      it('lists every client, oldest first', async () => {
        const newest = oauthClient('a', { createdAt: T0 + 2 });
        const oldest = oauthClient('z', { createdAt: T0 });
        const middle = oauthClient('m', { createdAt: T0 + 1 });
        const tied = oauthClient('n', { createdAt: T0 + 1 });
        for (const c of [newest, tied, oldest, middle]) await store.oauthClients.create(c);
        expect(await store.oauthClients.list()).toEqual([oldest, middle, tied, newest]);
      });

      it('updates only the patched fields and returns the updated record', async () => {
        const original = oauthClient('cl1');
        const other = oauthClient('cl2');
        await store.oauthClients.create(original);
        await store.oauthClients.create(other);

        const renamed = await store.oauthClients.update('cl1', {
          name: 'Renamed',
          updatedAt: T0 + 5,
        });
        expect(renamed).toEqual({ ...original, name: 'Renamed', updatedAt: T0 + 5 });
        expect(await store.oauthClients.findByClientId('cl1')).toEqual(renamed);

        const patch: OAuthClientPatch = {
          secretHash: null,
          redirectUris: ['https://new.example.test/cb'],
          grantTypes: ['authorization_code'],
          scopes: ['read'],
          skipConsent: true,
          requirePkce: false,
          allowPlainPkce: true,
          introspectAnyToken: true,
          scopesVersion: 2,
        };
        const widened = await store.oauthClients.update('cl1', patch);
        const expected = { ...original, ...patch, name: 'Renamed', updatedAt: T0 + 5 };
        expect(widened).toEqual(expected);
        expect(await store.oauthClients.findByClientId('cl1')).toEqual(expected);
        expect(await store.oauthClients.findByClientId('cl2')).toEqual(other);
      });

      it('treats undefined patch fields and an empty patch as "leave as it is"', async () => {
        const original = oauthClient('cl1');
        await store.oauthClients.create(original);
        expect(await store.oauthClients.update('cl1', {})).toEqual(original);
        expect(
          await store.oauthClients.update('cl1', { name: undefined, scopes: undefined }),
        ).toEqual(original);
        expect(await store.oauthClients.findByClientId('cl1')).toEqual(original);
        // Fields outside the patch type (identity, creation time) are never changed.
        const sneaky = { clientId: 'cl9', createdAt: T0 + 9, name: 'n' } as OAuthClientPatch;
        expect(await store.oauthClients.update('cl1', sneaky)).toEqual({ ...original, name: 'n' });
        expect(await store.oauthClients.findByClientId('cl9')).toBeNull();
      });

      it('answers null when updating an unknown client, and creates nothing', async () => {
        expect(await store.oauthClients.update('nope', { name: 'x', updatedAt: T0 })).toBeNull();
        expect(await store.oauthClients.update('nope', {})).toBeNull();
        expect(await store.oauthClients.findByClientId('nope')).toBeNull();
        expect(await store.oauthClients.list()).toEqual([]);
      });

      it('deletes a client with its families, codes and refresh tokens, keeping other clients', async () => {
        await seedOAuth();
        await store.oauthClients.create(oauthClient('cl2'));
        await store.tokenFamilies.create(tokenFamily('f2', 'cl1'));
        await store.tokenFamilies.create(tokenFamily('g1', 'cl2'));
        await store.authorizationCodes.create(authorizationCode('code-f1', 'cl1', 'f1'));
        await store.authorizationCodes.create(authorizationCode('code-f2', 'cl1', 'f2'));
        await store.authorizationCodes.create(authorizationCode('code-g1', 'cl2', 'g1'));
        await store.refreshTokens.create(refreshToken('rt-f1', 'f1', 'cl1'));
        await store.refreshTokens.create(refreshToken('rt-f2', 'f2', 'cl1'));
        await store.refreshTokens.create(refreshToken('rt-g1', 'g1', 'cl2'));
        // Issued to cl1 inside cl2's family: gone with cl1 even though their family stays.
        await store.authorizationCodes.create(authorizationCode('code-mixed', 'cl1', 'g1'));
        await store.refreshTokens.create(refreshToken('rt-mixed', 'g1', 'cl1'));
        await store.revokedAccessTokens.add('at-cl1', T0 + 3600);

        expect(await store.oauthClients.delete('cl1')).toBe(true);

        expect(await store.oauthClients.findByClientId('cl1')).toBeNull();
        expect(await store.tokenFamilies.findById('f1')).toBeNull();
        expect(await store.tokenFamilies.findById('f2')).toBeNull();
        expect(await store.refreshTokens.findByJti('rt-f1')).toBeNull();
        expect(await store.refreshTokens.findByJti('rt-f2')).toBeNull();
        expect(await store.authorizationCodes.consume('code-f1', T0)).toEqual({
          outcome: 'unknown',
        });
        expect(await store.authorizationCodes.consume('code-f2', T0)).toEqual({
          outcome: 'unknown',
        });
        expect(await store.authorizationCodes.consume('code-mixed', T0)).toEqual({
          outcome: 'unknown',
        });
        expect(await store.refreshTokens.findByJti('rt-mixed')).toBeNull();
        // The other client and what was issued to it are untouched.
        expect(await store.oauthClients.findByClientId('cl2')).toEqual(oauthClient('cl2'));
        expect(await store.tokenFamilies.findById('g1')).toEqual(tokenFamily('g1', 'cl2'));
        expect(await store.refreshTokens.findByJti('rt-g1')).toEqual(
          refreshToken('rt-g1', 'g1', 'cl2'),
        );
        expect((await store.authorizationCodes.consume('code-g1', T0)).outcome).toBe('consumed');
        // Access token revocations are not tied to a client; they expire on their own.
        expect(await store.revokedAccessTokens.isRevoked('at-cl1')).toBe(true);
        // Users and organizations are not the client's.
        expect(await store.users.findById('u1')).not.toBeNull();

        expect(await store.oauthClients.delete('cl1')).toBe(false);
        expect(await store.oauthClients.delete('nope')).toBe(false);
        // The id is free again.
        await store.oauthClients.create(oauthClient('cl1', { name: 'again' }));
        expect((await store.oauthClients.findByClientId('cl1'))?.name).toBe('again');
      });
    });

    describe('token families', () => {
      it('round-trips a record; null for an unknown id', async () => {
        await seedOAuth();
        const revoked = tokenFamily('f2', 'cl1', { createdAt: T0 - 4, revokedAt: T0 - 1 });
        await store.tokenFamilies.create(revoked);
        expect(await store.tokenFamilies.findById('f1')).toEqual(tokenFamily('f1', 'cl1'));
        expect(await store.tokenFamilies.findById('f2')).toEqual(revoked);
        expect(await store.tokenFamilies.findById('nope')).toBeNull();
      });

      it('rejects a duplicate id (token_family.id)', async () => {
        await seedOAuth();
        await expectConflict(
          store.tokenFamilies.create(tokenFamily('f1', 'cl1', { createdAt: T0 + 9 })),
          'token_family.id',
        );
        expect((await store.tokenFamilies.findById('f1'))?.createdAt).toBe(T0);
      });

      it('refuses an unknown client, user or organization (StoreReferenceError)', async () => {
        await seedOAuth();
        for (const record of [
          tokenFamily('x1', 'nope'),
          tokenFamily('x2', 'cl1', { userId: 'nope' }),
          tokenFamily('x3', 'cl1', { organizationId: 'nope' }),
        ]) {
          expect(await rejectionOf(store.tokenFamilies.create(record))).toBeInstanceOf(
            StoreReferenceError,
          );
          expect(await store.tokenFamilies.findById(record.id)).toBeNull();
        }
      });

      it('revokes once: true, then false, keeping the first revocation time', async () => {
        await seedOAuth();
        expect(await store.tokenFamilies.revoke('f1', T0 + 5)).toBe(true);
        expect(await store.tokenFamilies.revoke('f1', T0 + 9)).toBe(false);
        expect((await store.tokenFamilies.findById('f1'))?.revokedAt).toBe(T0 + 5);
        expect(await store.tokenFamilies.revoke('nope', T0)).toBe(false);
        expect(await store.tokenFamilies.findById('nope')).toBeNull();
      });

      it('revokeForUser revokes every live family of that user only, and says how many', async () => {
        await seedOAuth();
        await store.users.create(user('u2'));
        await store.tokenFamilies.create(tokenFamily('f2', 'cl1'));
        await store.tokenFamilies.create(tokenFamily('f3', 'cl1', { revokedAt: T0 - 1 }));
        await store.tokenFamilies.create(tokenFamily('g1', 'cl1', { userId: 'u2' }));
        expect(await store.tokenFamilies.revokeForUser('u1', T0 + 5)).toBe(2);
        expect(await store.tokenFamilies.revokeForUser('u1', T0 + 6)).toBe(0);
        expect((await store.tokenFamilies.findById('f1'))?.revokedAt).toBe(T0 + 5);
        expect((await store.tokenFamilies.findById('f2'))?.revokedAt).toBe(T0 + 5);
        expect((await store.tokenFamilies.findById('f3'))?.revokedAt).toBe(T0 - 1);
        expect((await store.tokenFamilies.findById('g1'))?.revokedAt).toBeNull();
        expect(await store.tokenFamilies.revokeForUser('nobody', T0)).toBe(0);
      });

      it('never revokes a family created as revoked again', async () => {
        await seedOAuth();
        await store.tokenFamilies.create(tokenFamily('f2', 'cl1', { revokedAt: T0 - 1 }));
        expect(await store.tokenFamilies.revoke('f2', T0)).toBe(false);
        expect((await store.tokenFamilies.findById('f2'))?.revokedAt).toBe(T0 - 1);
      });

      describe('purgeExpired', () => {
        const NOW = T0 + 20 * 86400;
        const GRACE = 3600;
        const DAY = 86400;

        /**
         * `f1` (no codes or tokens), `old` (revoked, every token and code long expired) and
         * `oldcode` (a code that expired before the grace) can go; the others each hold one
         * reason to stay, at its boundary.
         */
        async function seedFamilies(): Promise<void> {
          await seedOAuth();
          const family = (id: string, overrides: Partial<TokenFamilyRecord> = {}) =>
            store.tokenFamilies.create(tokenFamily(id, 'cl1', overrides));
          await family('old', { revokedAt: T0 + 1 });
          await store.refreshTokens.create(
            refreshToken('rt-o1', 'old', 'cl1', {
              expiresAt: T0 + 5 * DAY,
              consumedAt: T0 + DAY,
              successorJti: 'rt-o2',
            }),
          );
          await store.refreshTokens.create(
            refreshToken('rt-o2', 'old', 'cl1', { issuedAt: T0 + DAY, expiresAt: NOW - 1 }),
          );
          await store.authorizationCodes.create(authorizationCode('c-o', 'cl1', 'old'));
          // A refresh token valid until now, inclusive.
          await family('edge');
          await store.refreshTokens.create(refreshToken('rt-e', 'edge', 'cl1', { expiresAt: NOW }));
          // A consumed refresh token whose reuse must still be detected.
          await family('reuse');
          await store.refreshTokens.create(
            refreshToken('rt-r1', 'reuse', 'cl1', {
              expiresAt: NOW + 100,
              consumedAt: T0 + DAY,
              successorJti: 'rt-r2',
            }),
          );
          await store.refreshTokens.create(
            refreshToken('rt-r2', 'reuse', 'cl1', { issuedAt: T0 + DAY, expiresAt: NOW - 1 }),
          );
          // An expired refresh token issued recently: its access token may still be valid.
          await family('recent');
          await store.refreshTokens.create(
            refreshToken('rt-c', 'recent', 'cl1', { issuedAt: NOW - GRACE, expiresAt: NOW - 1 }),
          );
          // Codes: one expired just inside the grace, one just before it.
          await family('code');
          await store.authorizationCodes.create(
            authorizationCode('c-k', 'cl1', 'code', { expiresAt: NOW - GRACE }),
          );
          await family('oldcode');
          await store.authorizationCodes.create(
            authorizationCode('c-x', 'cl1', 'oldcode', { expiresAt: NOW - GRACE - 1 }),
          );
          // Created inside the grace, its code perhaps not stored yet.
          await family('new', { createdAt: NOW - GRACE });
        }

        async function expectPurged(): Promise<void> {
          for (const id of ['f1', 'old', 'oldcode']) {
            expect(await store.tokenFamilies.findById(id), id).toBeNull();
          }
          for (const id of ['edge', 'reuse', 'recent', 'code', 'new']) {
            expect(await store.tokenFamilies.findById(id), id).not.toBeNull();
          }
          expect(await store.refreshTokens.findByJti('rt-o1')).toBeNull();
          expect(await store.refreshTokens.findByJti('rt-o2')).toBeNull();
          expect((await store.authorizationCodes.consume('c-o', NOW)).outcome).toBe('unknown');
          expect((await store.authorizationCodes.consume('c-x', NOW)).outcome).toBe('unknown');
          for (const jti of ['rt-e', 'rt-r1', 'rt-r2', 'rt-c']) {
            expect(await store.refreshTokens.findByJti(jti), jti).not.toBeNull();
          }
        }

        it('deletes only families nothing can use, with their codes and refresh tokens', async () => {
          await seedFamilies();
          expect(await store.tokenFamilies.purgeExpired(NOW, GRACE)).toBe(3);
          await expectPurged();
          expect(await store.tokenFamilies.purgeExpired(NOW, GRACE)).toBe(0);
        });

        it('concurrent purges delete each family once; a rotation beside them keeps its family', async () => {
          await seedFamilies();
          const successor = refreshToken('rt-e2', 'edge', 'cl1', {
            issuedAt: NOW - 10,
            expiresAt: NOW + 432000,
          });
          const [rotation, ...purged] = await Promise.all([
            store.refreshTokens.rotate('rt-e', NOW - 10, successor, null),
            ...Array.from({ length: 5 }, () => store.tokenFamilies.purgeExpired(NOW, GRACE)),
          ]);
          expect(rotation.outcome).toBe('rotated');
          expect(purged.reduce((sum, n) => sum + n, 0)).toBe(3);
          await expectPurged();
          expect(await store.refreshTokens.findByJti('rt-e2')).toEqual(successor);
        });

        it('rejects a time or grace that is not integer seconds (TypeError)', async () => {
          expect(await rejectionOf(store.tokenFamilies.purgeExpired(1.5, GRACE))).toBeInstanceOf(
            TypeError,
          );
          expect(await rejectionOf(store.tokenFamilies.purgeExpired(NOW, -1))).toBeInstanceOf(
            TypeError,
          );
        });
      });
    });

    describe('authorization codes', () => {
      it('consumes a code once: consumed, then already_consumed with the record', async () => {
        await seedOAuth();
        const code = authorizationCode('h1', 'cl1', 'f1');
        await store.authorizationCodes.create(code);
        const consumed = { ...code, consumedAt: T0 + 3 };
        expect(await store.authorizationCodes.consume('h1', T0 + 3)).toEqual({
          outcome: 'consumed',
          record: consumed,
          familyRevoked: false,
        });
        expect(await store.authorizationCodes.consume('h1', T0 + 4)).toEqual({
          outcome: 'already_consumed',
          record: consumed,
        });
        expect(await store.authorizationCodes.consume('h1', T0 + 5)).toEqual({
          outcome: 'already_consumed',
          record: consumed,
        });
      });

      it('tells the winner whether the family was revoked when it consumed the code', async () => {
        await seedOAuth();
        await store.tokenFamilies.create(tokenFamily('f2', 'cl1'));
        await store.authorizationCodes.create(authorizationCode('live', 'cl1', 'f1'));
        await store.authorizationCodes.create(authorizationCode('ended', 'cl1', 'f2'));
        await store.tokenFamilies.revoke('f2', T0 + 1);
        const live = await store.authorizationCodes.consume('live', T0 + 2);
        expect(live.outcome === 'consumed' && live.familyRevoked).toBe(false);
        const ended = await store.authorizationCodes.consume('ended', T0 + 2);
        expect(ended.outcome === 'consumed' && ended.familyRevoked).toBe(true);
        // A revocation after the consumption (a second redemption's) is not the winner's news.
        await store.tokenFamilies.revoke('f1', T0 + 3);
        expect((await store.authorizationCodes.consume('live', T0 + 4)).outcome).toBe(
          'already_consumed',
        );
      });

      it('answers unknown for a hash never stored', async () => {
        await seedOAuth();
        await store.authorizationCodes.create(authorizationCode('h1', 'cl1', 'f1'));
        expect(await store.authorizationCodes.consume('h2', T0)).toEqual({ outcome: 'unknown' });
        expect(await store.authorizationCodes.consume('H1', T0)).toEqual({ outcome: 'unknown' });
        expect((await store.authorizationCodes.consume('h1', T0)).outcome).toBe('consumed');
      });

      it('round-trips every PKCE variant, and leaves expiry to the caller', async () => {
        await seedOAuth();
        const plain = authorizationCode('plain', 'cl1', 'f1', {
          codeChallenge: 'verifier-as-is',
          codeChallengeMethod: 'plain',
        });
        const none = authorizationCode('none', 'cl1', 'f1', {
          codeChallenge: null,
          codeChallengeMethod: null,
          redirectUri: 'http://127.0.0.1:5000/cb?fixed=1',
          scope: '',
        });
        const expired = authorizationCode('expired', 'cl1', 'f1', { expiresAt: T0 - 1 });
        for (const c of [plain, none, expired]) await store.authorizationCodes.create(c);
        expect(await store.authorizationCodes.consume('plain', T0)).toEqual({
          outcome: 'consumed',
          record: { ...plain, consumedAt: T0 },
          familyRevoked: false,
        });
        expect(await store.authorizationCodes.consume('none', T0)).toEqual({
          outcome: 'consumed',
          record: { ...none, consumedAt: T0 },
          familyRevoked: false,
        });
        expect(await store.authorizationCodes.consume('expired', T0)).toEqual({
          outcome: 'consumed',
          record: { ...expired, consumedAt: T0 },
          familyRevoked: false,
        });
      });

      it('rejects a duplicate hash (authorization_code.code_hash)', async () => {
        await seedOAuth();
        await store.authorizationCodes.create(authorizationCode('h1', 'cl1', 'f1'));
        await expectConflict(
          store.authorizationCodes.create(authorizationCode('h1', 'cl1', 'f1', { scope: 'x' })),
          'authorization_code.code_hash',
        );
        const result = await store.authorizationCodes.consume('h1', T0);
        expect(result.outcome === 'consumed' && result.record.scope).toBe('read write');
      });

      it('refuses an unknown client or family (StoreReferenceError)', async () => {
        await seedOAuth();
        for (const record of [
          authorizationCode('h1', 'nope', 'f1'),
          authorizationCode('h2', 'cl1', 'nope'),
        ]) {
          expect(await rejectionOf(store.authorizationCodes.create(record))).toBeInstanceOf(
            StoreReferenceError,
          );
          expect(await store.authorizationCodes.consume(record.codeHash, T0)).toEqual({
            outcome: 'unknown',
          });
        }
      });

      it('purges codes that expired before now, consumed or not, and says how many', async () => {
        await seedOAuth();
        await store.authorizationCodes.create(
          authorizationCode('early', 'cl1', 'f1', { expiresAt: T0 + 10 }),
        );
        await store.authorizationCodes.create(
          authorizationCode('used', 'cl1', 'f1', { expiresAt: T0 + 20 }),
        );
        await store.authorizationCodes.create(
          authorizationCode('late', 'cl1', 'f1', { expiresAt: T0 + 60 }),
        );
        await store.authorizationCodes.consume('used', T0 + 1);
        expect(await store.authorizationCodes.purgeExpired(T0 + 10)).toBe(0);
        expect(await store.authorizationCodes.purgeExpired(T0 + 21)).toBe(2);
        expect(await store.authorizationCodes.purgeExpired(T0 + 21)).toBe(0);
        expect(await store.authorizationCodes.consume('early', T0 + 21)).toEqual({
          outcome: 'unknown',
        });
        expect(await store.authorizationCodes.consume('used', T0 + 21)).toEqual({
          outcome: 'unknown',
        });
        expect((await store.authorizationCodes.consume('late', T0 + 21)).outcome).toBe('consumed');
        // The family the codes belonged to is not touched by a purge.
        expect(await store.tokenFamilies.findById('f1')).not.toBeNull();
      });
    });

    describe('refresh tokens', () => {
      it('round-trips a record by jti; null for an unknown jti', async () => {
        await seedOAuth();
        const record = refreshToken('rt1', 'f1', 'cl1', {
          scope: 'read',
          clientScopesVersion: 3,
          issuedAt: T0 - 100,
          expiresAt: T0 + 100,
        });
        await store.refreshTokens.create(record);
        expect(await store.refreshTokens.findByJti('rt1')).toEqual(record);
        expect(await store.refreshTokens.findByJti('RT1')).toBeNull();
        expect(await store.refreshTokens.findByJti('nope')).toBeNull();
      });

      it('rejects a duplicate jti (refresh_token.jti)', async () => {
        await seedOAuth();
        await store.refreshTokens.create(refreshToken('rt1', 'f1', 'cl1'));
        await expectConflict(
          store.refreshTokens.create(refreshToken('rt1', 'f1', 'cl1', { scope: 'other' })),
          'refresh_token.jti',
        );
        expect((await store.refreshTokens.findByJti('rt1'))?.scope).toBe('read write');
      });

      it('refuses an unknown family or client (StoreReferenceError)', async () => {
        await seedOAuth();
        for (const record of [
          refreshToken('rt1', 'nope', 'cl1'),
          refreshToken('rt2', 'f1', 'nope'),
        ]) {
          expect(await rejectionOf(store.refreshTokens.create(record))).toBeInstanceOf(
            StoreReferenceError,
          );
          expect(await store.refreshTokens.findByJti(record.jti)).toBeNull();
        }
      });

      it('rotates once: stores the successor and marks the predecessor, then already_consumed', async () => {
        await seedOAuth();
        const first = refreshToken('rt1', 'f1', 'cl1');
        await store.refreshTokens.create(first);
        const successor = refreshToken('rt2', 'f1', 'cl1', {
          scope: 'read',
          issuedAt: T0 + 10,
          expiresAt: T0 + 10 + 432000,
        });
        const consumed = {
          ...first,
          consumedAt: T0 + 10,
          successorJti: 'rt2',
          successorResponseSealed: 'sealed-response',
        };
        expect(
          await store.refreshTokens.rotate('rt1', T0 + 10, successor, 'sealed-response'),
        ).toEqual({ outcome: 'rotated', consumed });
        expect(await store.refreshTokens.findByJti('rt1')).toEqual(consumed);
        expect(await store.refreshTokens.findByJti('rt2')).toEqual(successor);

        const late = refreshToken('rt3', 'f1', 'cl1', { issuedAt: T0 + 11 });
        expect(await store.refreshTokens.rotate('rt1', T0 + 11, late, 'other')).toEqual({
          outcome: 'already_consumed',
          record: consumed,
        });
        expect(await store.refreshTokens.findByJti('rt3')).toBeNull();
        expect(await store.refreshTokens.findByJti('rt1')).toEqual(consumed);
      });

      it('rotates without a sealed response (reuse interval off) and along a chain', async () => {
        await seedOAuth();
        await store.refreshTokens.create(refreshToken('rt1', 'f1', 'cl1'));
        const second = refreshToken('rt2', 'f1', 'cl1', { issuedAt: T0 + 1 });
        const third = refreshToken('rt3', 'f1', 'cl1', { issuedAt: T0 + 2 });
        const one = await store.refreshTokens.rotate('rt1', T0 + 1, second, null);
        expect(one).toEqual({
          outcome: 'rotated',
          consumed: refreshToken('rt1', 'f1', 'cl1', {
            consumedAt: T0 + 1,
            successorJti: 'rt2',
            successorResponseSealed: null,
          }),
        });
        const two = await store.refreshTokens.rotate('rt2', T0 + 2, third, null);
        expect(two.outcome).toBe('rotated');
        expect(await store.refreshTokens.findByJti('rt2')).toEqual({
          ...second,
          consumedAt: T0 + 2,
          successorJti: 'rt3',
        });
        expect(await store.refreshTokens.findByJti('rt3')).toEqual(third);
      });

      it('answers unknown for a jti never stored, and stores no successor', async () => {
        await seedOAuth();
        expect(
          await store.refreshTokens.rotate('nope', T0, refreshToken('rt2', 'f1', 'cl1'), 'x'),
        ).toEqual({ outcome: 'unknown' });
        expect(await store.refreshTokens.findByJti('rt2')).toBeNull();
        expect(await store.refreshTokens.findByJti('nope')).toBeNull();
      });

      it('rotates all or nothing: a successor that cannot be stored leaves the token unused', async () => {
        await seedOAuth();
        const first = refreshToken('rt1', 'f1', 'cl1');
        const bystander = refreshToken('rt-other', 'f1', 'cl1');
        await store.refreshTokens.create(first);
        await store.refreshTokens.create(bystander);

        await expectConflict(
          store.refreshTokens.rotate('rt1', T0 + 1, refreshToken('rt-other', 'f1', 'cl1'), 's'),
          'refresh_token.jti',
        );
        await expectConflict(
          store.refreshTokens.rotate('rt1', T0 + 1, refreshToken('rt1', 'f1', 'cl1'), 's'),
          'refresh_token.jti',
        );
        expect(
          await rejectionOf(
            store.refreshTokens.rotate('rt1', T0 + 1, refreshToken('rt2', 'nope', 'cl1'), 's'),
          ),
        ).toBeInstanceOf(StoreReferenceError);
        expect(await store.refreshTokens.findByJti('rt1')).toEqual(first);
        expect(await store.refreshTokens.findByJti('rt-other')).toEqual(bystander);
        expect(await store.refreshTokens.findByJti('rt2')).toBeNull();

        // No transaction was left open: the next rotation works.
        const rotated = await store.refreshTokens.rotate(
          'rt1',
          T0 + 2,
          refreshToken('rt2', 'f1', 'cl1'),
          null,
        );
        expect(rotated.outcome).toBe('rotated');
        expect(await store.refreshTokens.findByJti('rt2')).toEqual(
          refreshToken('rt2', 'f1', 'cl1'),
        );
      });

      it('keeps the family of a rotated token, and revoking the family leaves the rows readable', async () => {
        await seedOAuth();
        await store.refreshTokens.create(refreshToken('rt1', 'f1', 'cl1'));
        await store.refreshTokens.rotate('rt1', T0 + 1, refreshToken('rt2', 'f1', 'cl1'), null);
        expect(await store.tokenFamilies.revoke('f1', T0 + 2)).toBe(true);
        expect((await store.refreshTokens.findByJti('rt2'))?.familyId).toBe('f1');
        expect((await store.tokenFamilies.findById('f1'))?.revokedAt).toBe(T0 + 2);
      });
    });

    describe('signing keys', () => {
      it('lists every key oldest first (creation time, then kid), with every field', async () => {
        expect(await store.signingKeys.list()).toEqual([]);
        const newest = signingKey('a', { createdAt: T0 + 20, activatesAt: T0 + 3620 });
        const oldest = signingKey('z', { createdAt: T0, retiredAt: T0 + 3620 });
        const tiedA = signingKey('m', { createdAt: T0 + 10 });
        const tiedB = signingKey('n', { createdAt: T0 + 10 });
        for (const k of [newest, tiedB, oldest, tiedA]) await store.signingKeys.create(k);
        expect(await store.signingKeys.list()).toEqual([oldest, tiedA, tiedB, newest]);
      });

      it('rejects a duplicate kid (signing_key.kid)', async () => {
        await store.signingKeys.create(signingKey('k1'));
        await expectConflict(
          store.signingKeys.create(signingKey('k1', { privateJwkSealed: 'other' })),
          'signing_key.kid',
        );
        expect(await store.signingKeys.list()).toEqual([signingKey('k1')]);
      });

      it('retires once: true, then false, keeping the first time', async () => {
        await store.signingKeys.create(signingKey('k1'));
        await store.signingKeys.create(signingKey('k2', { retiredAt: T0 + 1 }));
        expect(await store.signingKeys.retire('k1', T0 + 50)).toBe(true);
        expect(await store.signingKeys.retire('k1', T0 + 60)).toBe(false);
        expect(await store.signingKeys.retire('k2', T0 + 60)).toBe(false);
        expect(await store.signingKeys.retire('nope', T0)).toBe(false);
        expect(await store.signingKeys.list()).toEqual([
          signingKey('k1', { retiredAt: T0 + 50 }),
          signingKey('k2', { retiredAt: T0 + 1 }),
        ]);
      });

      it('deletes only keys retired before the cutoff and says how many', async () => {
        await store.signingKeys.create(signingKey('k1', { retiredAt: T0 + 10 }));
        await store.signingKeys.create(signingKey('k2', { createdAt: T0 + 1, retiredAt: T0 + 20 }));
        await store.signingKeys.create(signingKey('k3', { createdAt: T0 + 2 }));
        expect(await store.signingKeys.deleteRetiredBefore(T0 + 10)).toBe(0);
        expect(await store.signingKeys.deleteRetiredBefore(T0 + 20)).toBe(1);
        expect((await store.signingKeys.list()).map((k) => k.kid)).toEqual(['k2', 'k3']);
        expect(await store.signingKeys.deleteRetiredBefore(T0 + 10 * YEAR)).toBe(1);
        // A key that is not retired is never deleted, whatever the cutoff.
        expect(await store.signingKeys.list()).toEqual([signingKey('k3', { createdAt: T0 + 2 })]);
      });

      it('reseals every private key, retired included, in one call', async () => {
        const keys = [
          signingKey('k1', { retiredAt: T0 + 5 }),
          signingKey('k2', { createdAt: T0 + 1 }),
        ];
        for (const k of keys) await store.signingKeys.create(k);
        const seen: SigningKeyRecord[] = [];
        const count = await store.signingKeys.resealAll((record) => {
          seen.push(record);
          return `resealed(${record.privateJwkSealed})`;
        });
        expect(count).toBe(2);
        expect(seen).toEqual(keys);
        expect(await store.signingKeys.list()).toEqual(
          keys.map((k) => ({ ...k, privateJwkSealed: `resealed(${k.privateJwkSealed})` })),
        );
      });

      it('reseals nothing when there are no keys', async () => {
        let calls = 0;
        expect(
          await store.signingKeys.resealAll(() => {
            calls += 1;
            return 'x';
          }),
        ).toBe(0);
        expect(calls).toBe(0);
      });

      it('reseals all or nothing: a callback throwing midway leaves every key as it was', async () => {
        const keys = [
          signingKey('k1'),
          signingKey('k2', { createdAt: T0 + 1 }),
          signingKey('k3', { createdAt: T0 + 2 }),
        ];
        for (const k of keys) await store.signingKeys.create(k);
        const boom = new Error('keyring refused');
        let calls = 0;
        const error = await rejectionOf(
          store.signingKeys.resealAll((record) => {
            calls += 1;
            if (calls === 2) throw boom;
            return `resealed(${record.privateJwkSealed})`;
          }),
        );
        expect(error).toBe(boom);
        expect(calls).toBe(2);
        expect(await store.signingKeys.list()).toEqual(keys);
        // A non-string result is caller misuse and also changes nothing.
        const misuse = await rejectionOf(
          store.signingKeys.resealAll(() => 42 as unknown as string),
        );
        expect(misuse).toBeInstanceOf(TypeError);
        expect(await store.signingKeys.list()).toEqual(keys);
        // No transaction was left open.
        expect(await store.signingKeys.resealAll((k) => `ok(${k.kid})`)).toBe(3);
        expect((await store.signingKeys.list())[1]?.privateJwkSealed).toBe('ok(k2)');
      });
    });

    describe('revoked access tokens', () => {
      it('records a revocation; isRevoked answers per jti', async () => {
        expect(await store.revokedAccessTokens.isRevoked('at1')).toBe(false);
        await store.revokedAccessTokens.add('at1', T0 + 3600);
        expect(await store.revokedAccessTokens.isRevoked('at1')).toBe(true);
        expect(await store.revokedAccessTokens.isRevoked('AT1')).toBe(false);
        expect(await store.revokedAccessTokens.isRevoked('at2')).toBe(false);
      });

      it('is idempotent: adding again is no error, and the first expiry stays', async () => {
        await store.revokedAccessTokens.add('at1', T0 + 10);
        await store.revokedAccessTokens.add('at1', T0 + 10);
        await store.revokedAccessTokens.add('at1', T0 + 100);
        expect(await store.revokedAccessTokens.isRevoked('at1')).toBe(true);
        expect(await store.revokedAccessTokens.purgeExpired(T0 + 11)).toBe(1);
        expect(await store.revokedAccessTokens.isRevoked('at1')).toBe(false);
      });

      it('purges records that expired before now and says how many', async () => {
        await store.revokedAccessTokens.add('a', T0 + 10);
        await store.revokedAccessTokens.add('b', T0 + 20);
        await store.revokedAccessTokens.add('c', T0 + 30);
        expect(await store.revokedAccessTokens.purgeExpired(T0 + 10)).toBe(0);
        expect(await store.revokedAccessTokens.isRevoked('a')).toBe(true);
        expect(await store.revokedAccessTokens.purgeExpired(T0 + 21)).toBe(2);
        expect(await store.revokedAccessTokens.purgeExpired(T0 + 21)).toBe(0);
        expect(await store.revokedAccessTokens.isRevoked('a')).toBe(false);
        expect(await store.revokedAccessTokens.isRevoked('b')).toBe(false);
        expect(await store.revokedAccessTokens.isRevoked('c')).toBe(true);
      });
    });

    describe('legacy refresh tokens', () => {
      const IDLE = 30 * 24 * 3600;
      function legacyToken(
        id: string,
        overrides: Partial<LegacyRefreshTokenRecord> = {},
      ): LegacyRefreshTokenRecord {
        return {
          id,
          tokenHash: `hash-${id}`,
          userId: 'u1',
          organizationId: 'o1',
          createdAt: T0,
          lastUsedAt: T0,
          revokedAt: null,
          ...overrides,
        };
      }

      it('round-trips a record by id; use finds it by hash only', async () => {
        await seed();
        await store.legacyRefreshTokens.create(legacyToken('l1'));
        expect(await store.legacyRefreshTokens.findById('l1')).toEqual(legacyToken('l1'));
        expect(await store.legacyRefreshTokens.findById('L1')).toBeNull();
        expect(await store.legacyRefreshTokens.use('l1', T0 + 1, IDLE)).toBeNull();
        expect(await store.legacyRefreshTokens.use('hash-l1', T0 + 1, IDLE)).toEqual(
          legacyToken('l1', { lastUsedAt: T0 + 1 }),
        );
      });

      it('refuses duplicates and unknown users or organizations', async () => {
        await seed();
        await store.legacyRefreshTokens.create(legacyToken('l1'));
        const sameId = await rejectionOf(
          store.legacyRefreshTokens.create(legacyToken('l1', { tokenHash: 'other' })),
        );
        expect(sameId).toBeInstanceOf(StoreConflictError);
        expect((sameId as StoreConflictError).constraint).toBe('legacy_refresh_token.id');
        const sameHash = await rejectionOf(
          store.legacyRefreshTokens.create(legacyToken('l2', { tokenHash: 'hash-l1' })),
        );
        expect(sameHash).toBeInstanceOf(StoreConflictError);
        expect((sameHash as StoreConflictError).constraint).toBe('legacy_refresh_token.token_hash');
        expect(
          await rejectionOf(
            store.legacyRefreshTokens.create(legacyToken('l3', { userId: 'nope' })),
          ),
        ).toBeInstanceOf(StoreReferenceError);
        expect(
          await rejectionOf(
            store.legacyRefreshTokens.create(legacyToken('l4', { organizationId: 'nope' })),
          ),
        ).toBeInstanceOf(StoreReferenceError);
      });

      it('use slides the idle limit: live while used less than idleSeconds ago, never back', async () => {
        await seed();
        await store.legacyRefreshTokens.create(legacyToken('l1'));
        await store.legacyRefreshTokens.create(legacyToken('l2'));
        // Exactly idleSeconds after the last use is too late, and changes nothing.
        expect(await store.legacyRefreshTokens.use('hash-l2', T0 + IDLE, IDLE)).toBeNull();
        expect((await store.legacyRefreshTokens.findById('l2'))?.lastUsedAt).toBe(T0);
        // One second earlier is in time, and moves lastUsedAt.
        expect(
          (await store.legacyRefreshTokens.use('hash-l1', T0 + IDLE - 1, IDLE))?.lastUsedAt,
        ).toBe(T0 + IDLE - 1);
        expect(
          (await store.legacyRefreshTokens.use('hash-l1', T0 + 2 * IDLE - 2, IDLE))?.lastUsedAt,
        ).toBe(T0 + 2 * IDLE - 2);
        // A use with an older clock keeps the later lastUsedAt.
        expect((await store.legacyRefreshTokens.use('hash-l1', T0 + IDLE, IDLE))?.lastUsedAt).toBe(
          T0 + 2 * IDLE - 2,
        );
        expect(await store.legacyRefreshTokens.use('hash-l1', T0 + 3 * IDLE - 2, IDLE)).toBeNull();
      });

      it('revokeForUser revokes only that user’s live tokens, for good', async () => {
        await seed();
        await store.users.create(user('u2'));
        await store.legacyRefreshTokens.create(legacyToken('l1'));
        await store.legacyRefreshTokens.create(legacyToken('l2'));
        await store.legacyRefreshTokens.create(legacyToken('l3', { userId: 'u2' }));
        expect(await store.legacyRefreshTokens.revokeForUser('u1', T0 + 5)).toBe(2);
        expect(await store.legacyRefreshTokens.revokeForUser('u1', T0 + 6)).toBe(0);
        expect((await store.legacyRefreshTokens.findById('l1'))?.revokedAt).toBe(T0 + 5);
        expect(await store.legacyRefreshTokens.use('hash-l1', T0 + 7, IDLE)).toBeNull();
        expect(await store.legacyRefreshTokens.use('hash-l2', T0 + 7, IDLE)).toBeNull();
        expect((await store.legacyRefreshTokens.use('hash-l3', T0 + 7, IDLE))?.userId).toBe('u2');
        expect(await store.legacyRefreshTokens.revokeForUser('nobody', T0)).toBe(0);
      });

      it('purge deletes revoked and idle tokens and says how many', async () => {
        await seed();
        await store.legacyRefreshTokens.create(legacyToken('live', { lastUsedAt: T0 + 10 }));
        await store.legacyRefreshTokens.create(legacyToken('idle'));
        await store.legacyRefreshTokens.create(
          legacyToken('revoked', { lastUsedAt: T0 + 10, revokedAt: T0 + 5 }),
        );
        expect(await store.legacyRefreshTokens.purge(T0 + IDLE, IDLE)).toBe(2);
        expect(await store.legacyRefreshTokens.findById('idle')).toBeNull();
        expect(await store.legacyRefreshTokens.findById('revoked')).toBeNull();
        expect(await store.legacyRefreshTokens.findById('live')).not.toBeNull();
        // The purged hash can be stored again.
        await store.legacyRefreshTokens.create(legacyToken('idle'));
      });

      it('50 parallel uses of one live token all succeed and leave the latest lastUsedAt', async () => {
        await seed();
        await store.legacyRefreshTokens.create(legacyToken('l1'));
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            store.legacyRefreshTokens.use('hash-l1', T0 + 1 + i, IDLE),
          ),
        );
        expect(results.every((r) => r?.id === 'l1')).toBe(true);
        expect((await store.legacyRefreshTokens.findById('l1'))?.lastUsedAt).toBe(T0 + 50);
      });

      it('uses racing a revocation: none succeeds after the revocation resolved', async () => {
        await seed();
        await store.legacyRefreshTokens.create(legacyToken('l1'));
        const uses = Array.from({ length: 25 }, (_, i) =>
          store.legacyRefreshTokens.use('hash-l1', T0 + 1 + i, IDLE),
        );
        const revoked = await store.legacyRefreshTokens.revokeForUser('u1', T0 + 100);
        await Promise.all(uses);
        expect(revoked).toBe(1);
        const later = await Promise.all(
          Array.from({ length: 25 }, (_, i) =>
            store.legacyRefreshTokens.use('hash-l1', T0 + 200 + i, IDLE),
          ),
        );
        expect(later.every((r) => r === null)).toBe(true);
        expect((await store.legacyRefreshTokens.findById('l1'))?.revokedAt).toBe(T0 + 100);
      });
    });

    describe('data version (optional: caches of authentication data)', () => {
      /** Runs `write` and expects `dataVersion` to have moved on afterwards. */
      async function expectNewVersion(write: () => Promise<unknown>): Promise<void> {
        const dataVersion = store.dataVersion?.bind(store);
        if (dataVersion === undefined) return;
        const before = dataVersion();
        await write();
        expect(dataVersion()).not.toEqual(before);
      }

      it('moves on after every write to organizations, users, memberships or credentials', async () => {
        await expectNewVersion(() => store.organizations.create(organization('o1')));
        await expectNewVersion(() => store.organizations.create(organization('o2')));
        await expectNewVersion(() => store.users.create(user('u1')));
        await expectNewVersion(() =>
          store.memberships.add({ userId: 'u1', organizationId: 'o1', createdAt: T0 }),
        );
        await expectNewVersion(() => store.credentials.create(credential('c1', 'u1', 'o1')));
        await expectNewVersion(() => store.credentials.setStatus('c1', 'disabled'));
        await expectNewVersion(() => store.credentials.setStatus('c1', 'active'));
        await expectNewVersion(() => store.credentials.replaceSecret('c1', 'sealed-2', T0 + 1));
        await expectNewVersion(() => store.credentials.resealAll((r) => `${r.secretCiphertext}!`));
        await expectNewVersion(() => store.users.setDisabled('u1', T0));
        await expectNewVersion(() => store.users.setDisabled('u1', null));
        await expectNewVersion(() => store.users.setPasswordHash('u1', 'hash'));
        await expectNewVersion(() => store.users.endSessions('u1'));
        await expectNewVersion(() => store.organizations.setDisabled('o1', T0));
        await expectNewVersion(() => store.credentials.setStatus('c1', 'revoked'));
      });

      it('moves on after every write to OAuth clients (create, update, delete)', async () => {
        await expectNewVersion(() => store.oauthClients.create(oauthClient('cl1')));
        await expectNewVersion(() =>
          store.oauthClients.update('cl1', { secretHash: 'f'.repeat(64) }),
        );
        await expectNewVersion(() =>
          store.oauthClients.update('cl1', { grantTypes: ['api_keys'] }),
        );
        await expectNewVersion(() => store.oauthClients.delete('cl1'));
      });

      it('is a string or number, and throws StoreUnavailableError once the store is closed', async () => {
        if (store.dataVersion === undefined) return;
        expect(['string', 'number']).toContain(typeof store.dataVersion());
        await store.close();
        expect(() => store.dataVersion?.()).toThrow(StoreUnavailableError);
      });
    });

    describe('concurrency', () => {
      it('50 parallel consumes of one authorization code: exactly one consumed', async () => {
        await seedOAuth();
        await store.authorizationCodes.create(authorizationCode('contested', 'cl1', 'f1'));
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            store.authorizationCodes.consume('contested', T0 + i),
          ),
        );
        const winners = results.flatMap((r) => (r.outcome === 'consumed' ? [r.record] : []));
        expect(winners).toHaveLength(1);
        const winner = winners[0];
        const losers = results.flatMap((r) => (r.outcome === 'already_consumed' ? [r.record] : []));
        expect(losers).toHaveLength(49);
        // Every loser sees the winner's consumption, not its own.
        for (const record of losers) expect(record).toEqual(winner);
        expect((await store.authorizationCodes.consume('contested', T0 + 99)).outcome).toBe(
          'already_consumed',
        );
      });

      it('50 parallel rotations of one refresh token: exactly one rotated, one successor stored', async () => {
        await seedOAuth();
        await store.refreshTokens.create(refreshToken('contested', 'f1', 'cl1'));
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            store.refreshTokens.rotate(
              'contested',
              T0 + 1,
              refreshToken(`successor-${i}`, 'f1', 'cl1', { issuedAt: T0 + 1 }),
              `sealed-${i}`,
            ),
          ),
        );
        const rotated = results.flatMap((r) => (r.outcome === 'rotated' ? [r.consumed] : []));
        expect(rotated).toHaveLength(1);
        const winner = rotated[0];
        expect(winner?.successorJti).toMatch(/^successor-\d+$/);
        const losers = results.flatMap((r) => (r.outcome === 'already_consumed' ? [r.record] : []));
        expect(losers).toHaveLength(49);
        for (const record of losers) expect(record).toEqual(winner);
        const stored = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.refreshTokens.findByJti(`successor-${i}`)),
        );
        const successors = stored.filter((r) => r !== null);
        expect(successors).toHaveLength(1);
        expect(successors[0]?.jti).toBe(winner?.successorJti);
        expect(winner?.successorResponseSealed).toBe(
          `sealed-${winner?.successorJti?.slice('successor-'.length)}`,
        );
        expect(await store.refreshTokens.findByJti('contested')).toEqual(winner);
      });

      it('50 parallel revocations of one token family: exactly one true', async () => {
        await seedOAuth();
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.tokenFamilies.revoke('f1', T0 + i)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        expect((await store.tokenFamilies.findById('f1'))?.revokedAt).toBe(T0 + winner);
      });

      it('50 parallel retirements of one signing key: exactly one true', async () => {
        await store.signingKeys.create(signingKey('k1'));
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.signingKeys.retire('k1', T0 + i)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect((await store.signingKeys.list())[0]?.retiredAt).toBe(T0 + results.indexOf(true));
      });

      it('50 parallel revocations of one access token: no error, one record', async () => {
        await Promise.all(
          Array.from({ length: 50 }, () => store.revokedAccessTokens.add('at1', T0 + 10)),
        );
        expect(await store.revokedAccessTokens.isRevoked('at1')).toBe(true);
        expect(await store.revokedAccessTokens.purgeExpired(T0 + 11)).toBe(1);
      });

      it('200 parallel consumes of 50 keys, each asked 4 times: one true per key, fresh after', async () => {
        const keys = Array.from({ length: 50 }, (_, i) => `contested-${i}`);
        const calls = [0, 1, 2, 3].flatMap(() => keys);
        const results = await Promise.all(calls.map((key) => store.nonces.consume(key, 60, T0)));
        for (const key of keys) {
          const won = results.filter((r, i) => r && calls[i] === key);
          expect(won, key).toHaveLength(1);
        }
        expect(await store.nonces.consume('contested-0', 60, T0)).toBe(false);
        expect(await store.nonces.consume('contested-50', 60, T0)).toBe(true);
      });

      it('50 parallel creates for one user and organization: one succeeds, 49 conflict', async () => {
        await seed();
        const outcomes = await Promise.allSettled(
          Array.from({ length: 50 }, (_, i) =>
            store.credentials.create(credential(`c${i}`, 'u1', 'o1')),
          ),
        );
        const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
        const rejected = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
        expect(fulfilled).toHaveLength(1);
        expect(rejected).toHaveLength(49);
        for (const reason of rejected) {
          expect(reason).toBeInstanceOf(StoreConflictError);
          expect((reason as StoreConflictError).constraint).toBe('credential.user_org');
        }
        expect(await store.credentials.listUsableForUser('u1')).toHaveLength(1);
      });
    });

    describe('input checks', () => {
      it('rejects non-integer times with TypeError and stores nothing', async () => {
        expect(
          await rejectionOf(store.organizations.create(organization('o1', { createdAt: 1.5 }))),
        ).toBeInstanceOf(TypeError);
        expect(await store.organizations.findById('o1')).toBeNull();
        expect(await rejectionOf(store.nonces.consume('n1', 0.5, T0))).toBeInstanceOf(TypeError);
        expect(await rejectionOf(store.nonces.consume('n1', 60, Number.NaN))).toBeInstanceOf(
          TypeError,
        );
        expect(await store.nonces.consume('n1', 60, T0)).toBe(true);
      });

      it('rejects mistyped OAuth client fields with TypeError and stores nothing', async () => {
        const bad: Partial<Record<keyof OAuthClientRecord, unknown>>[] = [
          { grantTypes: ['implicit'] },
          { grantTypes: 'authorization_code' },
          { redirectUris: 'https://app.example.test/cb' },
          { scopes: ['read', 7] },
          { skipConsent: 1 },
          { requirePkce: 'yes' },
          { allowPlainPkce: null },
          { introspectAnyToken: 'no' },
          { scopesVersion: 1.5 },
          { updatedAt: Number.NaN },
        ];
        for (const [i, overrides] of bad.entries()) {
          const record = { ...oauthClient(`bad${i}`), ...overrides } as OAuthClientRecord;
          expect(await rejectionOf(store.oauthClients.create(record))).toBeInstanceOf(TypeError);
        }
        expect(await store.oauthClients.list()).toEqual([]);
      });

      it('rejects a mistyped client patch with TypeError and keeps the record', async () => {
        await store.oauthClients.create(oauthClient('cl1'));
        const patches = [
          { grantTypes: ['password'] },
          { skipConsent: 0 },
          { introspectAnyToken: 1 },
          { scopes: [null] },
          { updatedAt: 1.5 },
        ] as unknown as OAuthClientPatch[];
        for (const patch of patches) {
          expect(await rejectionOf(store.oauthClients.update('cl1', patch))).toBeInstanceOf(
            TypeError,
          );
        }
        expect(await store.oauthClients.findByClientId('cl1')).toEqual(oauthClient('cl1'));
      });

      it('rejects an unknown PKCE method, signing algorithm or bad time with TypeError', async () => {
        await seedOAuth();
        const code = authorizationCode('h1', 'cl1', 'f1', {
          codeChallengeMethod: 'S512' as AuthorizationCodeRecord['codeChallengeMethod'],
        });
        expect(await rejectionOf(store.authorizationCodes.create(code))).toBeInstanceOf(TypeError);
        expect(await store.authorizationCodes.consume('h1', T0)).toEqual({ outcome: 'unknown' });
        const key = signingKey('k1', { alg: 'RS256' as SigningKeyRecord['alg'] });
        expect(await rejectionOf(store.signingKeys.create(key))).toBeInstanceOf(TypeError);
        expect(await store.signingKeys.list()).toEqual([]);
        await store.refreshTokens.create(refreshToken('rt1', 'f1', 'cl1'));
        const successor = refreshToken('rt2', 'f1', 'cl1', { expiresAt: 0.5 });
        expect(
          await rejectionOf(store.refreshTokens.rotate('rt1', T0, successor, null)),
        ).toBeInstanceOf(TypeError);
        expect(
          await rejectionOf(
            store.refreshTokens.rotate('rt1', 1.5, refreshToken('rt2', 'f1', 'cl1'), null),
          ),
        ).toBeInstanceOf(TypeError);
        expect(await store.refreshTokens.findByJti('rt1')).toEqual(
          refreshToken('rt1', 'f1', 'cl1'),
        );
        expect(await rejectionOf(store.tokenFamilies.revoke('f1', 1.5))).toBeInstanceOf(TypeError);
        expect(await rejectionOf(store.revokedAccessTokens.add('at1', 1.5))).toBeInstanceOf(
          TypeError,
        );
        expect(await store.revokedAccessTokens.isRevoked('at1')).toBe(false);
      });

      it('rejects an unknown credential status with TypeError and keeps the old one', async () => {
        await seed();
        await store.credentials.create(credential('c1', 'u1', 'o1'));
        const bogus = 'deleted' as CredentialRecord['status'];
        expect(await rejectionOf(store.credentials.setStatus('c1', bogus))).toBeInstanceOf(
          TypeError,
        );
        expect((await store.credentials.findById('c1'))?.status).toBe('active');
      });
    });

    describe('records', () => {
      it('answers lookups by a string with a NUL character as unknown, never with an error', async () => {
        // Such strings reach the store from hostile requests (a client_id of "a\u0000b");
        // PostgreSQL text cannot hold NUL, so no stored record can match one anywhere.
        await seedOAuth();
        await store.credentials.create(credential('c1', 'u1', 'o1'));
        const nul = 'o1\u0000';
        expect(await store.organizations.findById(nul)).toBeNull();
        expect(await store.organizations.findByName('name-o1\u0000')).toBeNull();
        expect(await store.users.findById('u1\u0000')).toBeNull();
        expect(await store.users.findByLogin('login-u1\u0000')).toBeNull();
        expect(await store.memberships.isMember('u1\u0000', 'o1')).toBe(false);
        expect(await store.credentials.findById('c1\u0000')).toBeNull();
        expect(await store.credentials.findByKey('key-c1\u0000')).toBeNull();
        expect(await store.credentials.list({ userId: 'u1\u0000' })).toEqual([]);
        expect(await store.oauthClients.findByClientId('cl1\u0000')).toBeNull();
        expect(await store.tokenFamilies.findById('f1\u0000')).toBeNull();
        expect(await store.refreshTokens.findByJti('rt\u0000')).toBeNull();
        expect(await store.revokedAccessTokens.isRevoked('at\u0000')).toBe(false);
      });

      it('returns snapshots: changing a returned record changes nothing stored', async () => {
        await store.organizations.create(organization('o1', { name: 'Acme' }));
        const found = await store.organizations.findById('o1');
        (found as { name: string }).name = 'Changed';
        expect((await store.organizations.findById('o1'))?.name).toBe('Acme');
      });

      it("returns snapshots of a client's lists, and keeps its own copy of the caller's", async () => {
        const input = oauthClient('cl1');
        await store.oauthClients.create(input);
        (input.redirectUris as string[]).push('https://evil.example.test/cb');
        (input.scopes as string[]).length = 0;
        const found = (await store.oauthClients.findByClientId('cl1')) as OAuthClientRecord;
        expect(found).toEqual(oauthClient('cl1'));
        (found.grantTypes as string[]).push('client_credentials');
        const listed = (await store.oauthClients.list())[0] as OAuthClientRecord;
        (listed.redirectUris as string[]).pop();
        expect(await store.oauthClients.findByClientId('cl1')).toEqual(oauthClient('cl1'));
      });
    });

    describe('lifecycle', () => {
      it('pings while open', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it('after close, ping and operations reject with StoreUnavailableError', async () => {
        await store.close();
        expect(await rejectionOf(store.ping())).toBeInstanceOf(StoreUnavailableError);
        expect(await rejectionOf(store.nonces.consume('n1', 60, T0))).toBeInstanceOf(
          StoreUnavailableError,
        );
        expect(await rejectionOf(store.users.findById('u1'))).toBeInstanceOf(StoreUnavailableError);
      });

      it('after close, the OAuth repositories reject with StoreUnavailableError', async () => {
        await seedOAuth();
        await store.refreshTokens.create(refreshToken('rt1', 'f1', 'cl1'));
        await store.close();
        const calls: Promise<unknown>[] = [
          store.oauthClients.findByClientId('cl1'),
          store.oauthClients.list(),
          store.tokenFamilies.findById('f1'),
          store.tokenFamilies.revoke('f1', T0),
          store.authorizationCodes.consume('h1', T0),
          store.refreshTokens.findByJti('rt1'),
          store.refreshTokens.rotate('rt1', T0, refreshToken('rt2', 'f1', 'cl1'), null),
          store.signingKeys.list(),
          store.signingKeys.resealAll((k) => k.privateJwkSealed),
          store.revokedAccessTokens.isRevoked('at1'),
          store.revokedAccessTokens.add('at1', T0),
        ];
        const outcomes = await Promise.allSettled(calls);
        for (const outcome of outcomes) {
          expect(outcome.status).toBe('rejected');
          if (outcome.status === 'rejected') {
            expect(outcome.reason).toBeInstanceOf(StoreUnavailableError);
          }
        }
      });
    });

    describeReplayStoreConformance(
      name,
      async () => {
        const { store, cleanup } = await factory();
        return { stores: store, cleanup };
      },
      { expiresByItself: false },
    );
  });
}
