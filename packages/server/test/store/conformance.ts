import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  CredentialRecord,
  OrganizationRecord,
  Store,
  UserRecord,
} from '../../src/store/port.js';
import { StoreConflictError, StoreUnavailableError } from '../../src/store/port.js';
import { StoreReferenceError } from '../../src/store/store_reference_error.js';

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
 * exist for. Every adapter (memory, SQLite, PostgreSQL, Redis) runs this same suite.
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

    describe('nonces', () => {
      it('consumes a key exactly once while its record lives', async () => {
        expect(await store.nonces.consume('n1', 60, T0)).toBe(true);
        expect(await store.nonces.consume('n1', 60, T0)).toBe(false);
        expect(await store.nonces.consume('n1', 60, T0 + 59)).toBe(false);
        expect(await store.nonces.consume('n2', 60, T0)).toBe(true);
      });

      it('lets an expired key be consumed again, with a fresh expiry', async () => {
        expect(await store.nonces.consume('n1', 60, T0)).toBe(true);
        // The record for ttl 60 from T0 ends at T0 + 60: from then on the key is free.
        expect(await store.nonces.consume('n1', 60, T0 + 60)).toBe(true);
        expect(await store.nonces.consume('n1', 60, T0 + 60)).toBe(false);
        expect(await store.nonces.consume('n1', 60, T0 + 119)).toBe(false);
        expect(await store.nonces.consume('n1', 60, T0 + 120)).toBe(true);
      });

      it('keeps a key with a negative ttl forever', async () => {
        expect(await store.nonces.consume('n1', -1, T0)).toBe(true);
        expect(await store.nonces.consume('n1', 60, T0 + 10 * YEAR)).toBe(false);
        expect(await store.nonces.purgeExpired(T0 + 10 * YEAR)).toBe(0);
        expect(await store.nonces.consume('n1', -1, T0 + 20 * YEAR)).toBe(false);
      });

      it('deletes every record and says how many', async () => {
        expect(await store.nonces.deleteAll()).toBe(0);
        await store.nonces.consume('n1', 60, T0);
        await store.nonces.consume('n2', -1, T0);
        await store.nonces.consume('n3', 1, T0);
        expect(await store.nonces.deleteAll()).toBe(3);
        expect(await store.nonces.consume('n1', 60, T0)).toBe(true);
        expect(await store.nonces.consume('n2', 60, T0)).toBe(true);
        expect(await store.nonces.deleteAll()).toBe(2);
      });

      it('purges only expired records and says how many', async () => {
        await store.nonces.consume('short', 10, T0);
        await store.nonces.consume('medium', 20, T0);
        await store.nonces.consume('long', 30, T0);
        await store.nonces.consume('forever', -1, T0);
        expect(await store.nonces.purgeExpired(T0 + 9)).toBe(0);
        expect(await store.nonces.purgeExpired(T0 + 20)).toBe(2);
        expect(await store.nonces.purgeExpired(T0 + 20)).toBe(0);
        // Live and permanent records survive the purge and still refuse a replay.
        expect(await store.nonces.consume('long', 30, T0 + 20)).toBe(false);
        expect(await store.nonces.consume('forever', 30, T0 + 20)).toBe(false);
        expect(await store.nonces.deleteAll()).toBe(2);
      });
    });

    describe('concurrency', () => {
      it('50 parallel consumes of one key: exactly one true', async () => {
        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.nonces.consume('contested', 60, T0)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.nonces.consume('contested', 60, T0)).toBe(false);
      });

      it('50 parallel consumes of distinct keys: all true', async () => {
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.nonces.consume(`k${i}`, 60, T0)),
        );
        expect(results.every(Boolean)).toBe(true);
        expect(await store.nonces.deleteAll()).toBe(50);
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
      it('returns snapshots: changing a returned record changes nothing stored', async () => {
        await store.organizations.create(organization('o1', { name: 'Acme' }));
        const found = await store.organizations.findById('o1');
        (found as { name: string }).name = 'Changed';
        expect((await store.organizations.findById('o1'))?.name).toBe('Acme');
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
    });
  });
}
