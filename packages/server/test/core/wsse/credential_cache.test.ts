import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { createUsernameTokenSync } from '@keygate/wsse/node';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/core/config/validate_config.js';
import { type CachedCandidate, CredentialCache } from '../../../src/core/wsse/credential_cache.js';
import {
  verifyUsernameToken,
  type WssePrincipal,
  type WsseVerifierDeps,
} from '../../../src/core/wsse/verify_username_token.js';
import { MasterKeyring } from '../../../src/secrets/master_keyring.js';
import type { CredentialRecord, Store } from '../../../src/store/port.js';
import { createScratchSqliteStore } from '../../support/scratch_sqlite_store.js';

const policy = validateConfig({}).wsse;
const NOW_MS = Date.UTC(2026, 10, 22, 9, 15, 30);

function candidate(id: string, secret: string): CachedCandidate<string> {
  const credential: CredentialRecord = {
    id,
    key: `key-${id}`,
    userId: 'u1',
    organizationId: 'o1',
    secretCiphertext: 'sealed',
    status: 'active',
    createdAt: 0,
    secretSetAt: 0,
  };
  return { credential, secret, active: { ok: true, principal: id } };
}

describe('CredentialCache', () => {
  it('serves an entry only while the version it was loaded at is current', () => {
    const cache = new CredentialCache<string>();
    expect(cache.get(1, 'a')).toBeUndefined();
    cache.set(1, 'a', [candidate('c1', 's1')]);
    expect(cache.get(1, 'a')?.[0]?.credential.id).toBe('c1');
    // Another version empties the cache.
    expect(cache.get(2, 'a')).toBeUndefined();
    expect(cache.size).toBe(0);
    // What was loaded at an older version is never filed under the new one.
    cache.set(1, 'a', [candidate('c1', 's1')]);
    expect(cache.get(2, 'a')).toBeUndefined();
  });

  it('keeps at most maxEntries Usernames, evicting the least recently used', () => {
    const cache = new CredentialCache<string>(3);
    cache.get(1, 'x');
    for (const name of ['a', 'b', 'c']) cache.set(1, name, [candidate(name, `s-${name}`)]);
    expect(cache.get(1, 'a')).toBeDefined();
    cache.set(1, 'd', [candidate('d', 's-d')]);
    expect(cache.size).toBe(3);
    expect(cache.get(1, 'b')).toBeUndefined();
    for (const name of ['a', 'c', 'd']) expect(cache.get(1, name)).toBeDefined();
  });

  it('remembers unknown Usernames apart, so they never evict known ones', () => {
    const cache = new CredentialCache<string>(1);
    cache.get(1, 'x');
    cache.set(1, 'a', [candidate('c1', 's1')]);
    cache.set(1, 'unknown-1', []);
    cache.set(1, 'unknown-2', []);
    expect(cache.get(1, 'a')?.[0]?.credential.id).toBe('c1');
    expect(cache.get(1, 'unknown-2')).toEqual([]);
    expect(cache.get(1, 'unknown-1')).toBeUndefined();
    // A new store version forgets unknown Usernames too (the key may have been created).
    expect(cache.get(2, 'unknown-2')).toBeUndefined();
  });

  it('never shows the secrets it holds', () => {
    const cache = new CredentialCache<string>();
    cache.get(1, 'x');
    cache.set(1, 'a', [candidate('c1', 'very-secret-value')]);
    expect(inspect(cache, { depth: 10 })).not.toContain('very-secret-value');
    expect(JSON.stringify(cache)).not.toContain('very-secret-value');
  });

  it('rejects a bound below 1', () => {
    expect(() => new CredentialCache(0)).toThrow(TypeError);
  });
});

async function setup(store: Store) {
  const secrets = new MasterKeyring([randomBytes(32)]);
  const secret = randomBytes(20).toString('hex');
  await store.organizations.create({ id: 'o1', name: 'acme', createdAt: 0, disabledAt: null });
  await store.users.create({
    id: 'u1',
    login: 'alice',
    email: null,
    passwordHash: null,
    createdAt: 0,
    disabledAt: null,
  });
  await store.memberships.add({ userId: 'u1', organizationId: 'o1', createdAt: 0 });
  await store.credentials.create({
    id: 'c1',
    key: 'key-1',
    userId: 'u1',
    organizationId: 'o1',
    secretCiphertext: secrets.seal(secret, 'c1'),
    status: 'active',
    createdAt: 0,
    secretSetAt: 0,
  });
  const cache = new CredentialCache<WssePrincipal>();
  const deps: WsseVerifierDeps = {
    store,
    secrets,
    policy,
    now: () => NOW_MS,
    credentialCache: cache,
  };
  const tokenFor = (username: string, withSecret = secret) =>
    createUsernameTokenSync({ username, secret: withSecret, now: () => new Date(NOW_MS) }).token;
  const verifyToken = (token: ReturnType<typeof tokenFor>) =>
    verifyUsernameToken(deps, token, 'key_or_login');
  const verify = (username: string, withSecret = secret) =>
    verifyToken(tokenFor(username, withSecret));
  return { secrets, secret, cache, verify, verifyToken, tokenFor };
}

describe('verifyUsernameToken with a credential cache (scratch SQLite store)', () => {
  it('caches a known key and sees disable, user disable and reset on the next request (W-7)', async () => {
    const store = await createScratchSqliteStore();
    const { secrets, secret, cache, verify } = await setup(store);
    expect(await verify('key-1')).toMatchObject({ ok: true });
    expect(await verify('key-1')).toMatchObject({ ok: true });
    expect(cache.size).toBe(1);

    await store.credentials.setStatus('c1', 'disabled');
    expect(await verify('key-1')).toMatchObject({ ok: false, code: 'credential_disabled' });
    await store.credentials.setStatus('c1', 'active');
    await store.users.setDisabled('u1', 1);
    expect(await verify('alice')).toMatchObject({ ok: false, code: 'credential_disabled' });
    await store.users.setDisabled('u1', null);

    const next = randomBytes(20).toString('hex');
    await store.credentials.replaceSecret('c1', secrets.seal(next, 'c1'), 1);
    expect(await verify('key-1', secret)).toMatchObject({ ok: false, code: 'invalid_credentials' });
    expect(await verify('key-1', next)).toMatchObject({ ok: true });
  });

  it('a wrong digest served from the cache still leaves the nonce unused (W-6, W-7)', async () => {
    const { cache, verify, verifyToken, tokenFor } = await setup(await createScratchSqliteStore());
    expect(await verify('key-1')).toMatchObject({ ok: true });
    expect(cache.size).toBe(1);
    const good = tokenFor('key-1');
    const wrongDigest = { ...good, passwordDigest: tokenFor('key-1', 'wrong').passwordDigest };
    expect(await verifyToken(wrongDigest)).toMatchObject({
      ok: false,
      code: 'invalid_credentials',
    });
    expect(await verifyToken(good)).toMatchObject({ ok: true });
    expect(await verifyToken(good)).toMatchObject({
      ok: false,
      code: 'nonce_replayed',
    });
  });

  it('an unknown Username repeated reads the store no more than a known one, and a key created later is found (W-7)', async () => {
    const scratch = await createScratchSqliteStore();
    let reads = 0;
    const store: Store = {
      ...scratch,
      credentials: {
        ...scratch.credentials,
        findByKey: (key) => {
          reads += 1;
          return scratch.credentials.findByKey(key);
        },
      },
      users: {
        ...scratch.users,
        findByLogin: (login) => {
          reads += 1;
          return scratch.users.findByLogin(login);
        },
      },
    };
    const { secrets, secret, verify } = await setup(store);
    expect(await verify('key-1')).toMatchObject({ ok: true });
    expect(await verify('nobody')).toMatchObject({ ok: false, code: 'invalid_credentials' });
    const afterFirst = reads;
    expect(await verify('key-1')).toMatchObject({ ok: true });
    expect(await verify('nobody')).toMatchObject({ ok: false, code: 'invalid_credentials' });
    expect(reads).toBe(afterFirst);

    await store.credentials.create({
      id: 'c2',
      key: 'nobody',
      userId: 'u1',
      organizationId: 'o1',
      secretCiphertext: secrets.seal(secret, 'c2'),
      status: 'revoked',
      createdAt: 0,
      secretSetAt: 0,
    });
    expect(await verify('nobody')).toMatchObject({ ok: false, code: 'credential_disabled' });
  });

  it('caches nothing for a store without dataVersion', async () => {
    const scratch = await createScratchSqliteStore();
    const { dataVersion: _omitted, ...withoutVersion } = scratch;
    const { cache, verify } = await setup(withoutVersion as Store);
    expect(await verify('key-1')).toMatchObject({ ok: true });
    expect(await verify('alice')).toMatchObject({ ok: true });
    expect(cache.size).toBe(0);
  });
});
