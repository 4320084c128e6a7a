import { randomBytes } from 'node:crypto';
import * as wsseNode from '@keygate/wsse/node';
import { createUsernameTokenSync } from '@keygate/wsse/node';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { validateConfig } from '../../../src/core/config/validate_config.js';
import { CredentialCache } from '../../../src/core/wsse/credential_cache.js';
import {
  type UsernameStyle,
  verifyUsernameToken,
  type WssePrincipal,
  type WsseVerifierDeps,
} from '../../../src/core/wsse/verify_username_token.js';
import { MasterKeyring } from '../../../src/secrets/master_keyring.js';
import type { Store } from '../../../src/store/port.js';
import { createScratchSqliteStore } from '../../support/scratch_sqlite_store.js';

// Digests are counted at the library verification calls, the work itself untouched.
vi.mock('@keygate/wsse/node', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@keygate/wsse/node')>();
  return { ...actual, verifyPasswordDigest: vi.fn(actual.verifyPasswordDigest) };
});

const policy = validateConfig({}).wsse;
const NOW_MS = Date.UTC(2026, 10, 22, 9, 15, 30);

/** The work one verification did: store calls, secret opens and digests. */
interface Work {
  storeCalls: number;
  opens: number;
  digests: number;
}

/** Counts every call to a repository method of `store` (the data version check excepted). */
function countingStore(store: Store, work: Work): Store {
  return new Proxy(store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'object' || value === null) return value;
      return new Proxy(value, {
        get(repository, method, repositoryReceiver) {
          const member = Reflect.get(repository, method, repositoryReceiver);
          if (typeof member !== 'function') return member;
          return (...args: unknown[]) => {
            work.storeCalls += 1;
            return member.apply(repository, args);
          };
        },
      });
    },
  });
}

async function setup(cached: boolean) {
  const work: Work = { storeCalls: 0, opens: 0, digests: 0 };
  const scratch = await createScratchSqliteStore();
  const keyring = new MasterKeyring([randomBytes(32)]);
  const secret = randomBytes(20).toString('hex');
  await scratch.organizations.create({ id: 'o1', name: 'acme', createdAt: 0, disabledAt: null });
  await scratch.users.create({
    id: 'u1',
    login: 'alice',
    email: null,
    passwordHash: null,
    createdAt: 0,
    disabledAt: null,
  });
  await scratch.memberships.add({ userId: 'u1', organizationId: 'o1', createdAt: 0 });
  await scratch.credentials.create({
    id: 'c1',
    key: 'key-1',
    userId: 'u1',
    organizationId: 'o1',
    secretCiphertext: keyring.seal(secret, 'c1'),
    status: 'active',
    createdAt: 0,
    secretSetAt: 0,
  });
  const secrets = {
    seal: (plaintext: string, associatedData: string) => keyring.seal(plaintext, associatedData),
    open: (sealed: string, associatedData: string) => {
      work.opens += 1;
      return keyring.open(sealed, associatedData);
    },
  };
  const deps: WsseVerifierDeps = {
    store: countingStore(scratch, work),
    secrets,
    policy,
    now: () => NOW_MS,
    ...(cached && { credentialCache: new CredentialCache<WssePrincipal>() }),
  };
  /** The work of one refused verification of `username` with a wrong secret. */
  const workFor = async (username: string, style: UsernameStyle): Promise<Work> => {
    const { token } = createUsernameTokenSync({
      username,
      secret: 'wrong-secret',
      now: () => new Date(NOW_MS),
    });
    work.storeCalls = 0;
    work.opens = 0;
    vi.mocked(wsseNode.verifyPasswordDigest).mockClear();
    const result = await verifyUsernameToken(deps, token, style);
    expect(result).toMatchObject({ ok: false, code: 'invalid_credentials' });
    return { ...work, digests: vi.mocked(wsseNode.verifyPasswordDigest).mock.calls.length };
  };
  return { workFor };
}

describe.each([
  ['with the credential cache', true],
  ['without a cache', false],
])(
  'an unknown Username costs the work of a known one with a wrong digest (W-7), %s',
  (_name, cached) => {
    let workFor: Awaited<ReturnType<typeof setup>>['workFor'];
    beforeEach(async () => {
      ({ workFor } = await setup(cached));
    });

    it('OroPlatform style: an unknown login does what an existing login does', async () => {
      const existing = await workFor('alice', 'key_or_login');
      const unknown = await workFor('nobody', 'key_or_login');
      expect(existing.opens).toBe(1);
      expect(existing.digests).toBe(1);
      expect(unknown).toEqual(existing);
      // Asked again (from the cache when there is one), they still cost the same.
      expect(await workFor('nobody', 'key_or_login')).toEqual(
        await workFor('alice', 'key_or_login'),
      );
    });

    it('Penneo style: an unknown key does what an existing key does', async () => {
      const existing = await workFor('key-1', 'key');
      const unknown = await workFor('no-such-key', 'key');
      expect(existing.opens).toBe(1);
      expect(unknown).toEqual(existing);
      expect(await workFor('no-such-key', 'key')).toEqual(await workFor('key-1', 'key'));
    });
  },
);
