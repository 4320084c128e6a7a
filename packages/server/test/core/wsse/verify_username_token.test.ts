import { randomBytes } from 'node:crypto';
import { parseWsseHeader } from '@keygate/wsse';
import { describe, expect, it } from 'vitest';
import { type InvalidVector, loadVectors } from '../../../../wsse/test/vectors.js';
import { validateConfig } from '../../../src/core/config/validate_config.js';
import { verifyUsernameToken } from '../../../src/core/wsse/verify_username_token.js';
import { verifyWsseHeader } from '../../../src/core/wsse/verify_wsse_header.js';
import { MasterKeyring } from '../../../src/secrets/master_keyring.js';
import type { Store } from '../../../src/store/port.js';
import { createScratchSqliteStore } from '../../support/scratch_sqlite_store.js';

const policy = validateConfig({}).wsse;

/**
 * Stores one credential for a vector. Usernames that look like keys (Penneo style) become the
 * credential's key; `admin` (OroPlatform style) becomes the user's login with a random key.
 */
async function storeFor(vector: InvalidVector) {
  const store: Store = await createScratchSqliteStore();
  const secrets = new MasterKeyring([randomBytes(32)]);
  const oroStyle = vector.username === 'admin';
  await store.organizations.create({ id: 'org-1', name: 'acme', createdAt: 0, disabledAt: null });
  await store.users.create({
    id: 'user-1',
    login: oroStyle ? 'admin' : `user-${vector.username}`,
    email: null,
    passwordHash: null,
    createdAt: 0,
    disabledAt: null,
  });
  await store.memberships.add({ userId: 'user-1', organizationId: 'org-1', createdAt: 0 });
  await store.credentials.create({
    id: 'cred-1',
    key: oroStyle ? randomBytes(16).toString('hex') : vector.username,
    userId: 'user-1',
    organizationId: 'org-1',
    secretCiphertext: secrets.seal(vector.secret, 'cred-1'),
    status: 'active',
    createdAt: 0,
    secretSetAt: 0,
  });
  return { store, secrets };
}

const vectors = loadVectors();

describe('W-2 known-answer vectors through the verification policy (W-7)', () => {
  it.each(vectors.valid.map((v) => [v.name, v] as const))('valid: %s', async (_name, vector) => {
    const { store, secrets } = await storeFor(vector);
    const nowMs = vector.created_unix * 1000;
    const deps = { store, secrets, policy, now: () => nowMs };
    const header = vector.x_wsse;
    const result = await verifyWsseHeader(deps, header);
    expect(result).toMatchObject({ ok: true });
    if (result.ok) {
      expect(result.principal.credential?.id).toBe('cred-1');
      expect(result.principal.organization.name).toBe('acme');
    }
    // The same header again is a replay (W-6).
    expect(await verifyWsseHeader(deps, header)).toMatchObject({
      ok: false,
      code: 'nonce_replayed',
    });
  });

  it.each(vectors.invalid.map((v) => [v.name, v] as const))(
    'invalid: %s',
    async (_name, vector) => {
      const { store, secrets } = await storeFor(vector);
      const createdMs = Date.parse(vector.created.replace(/Z$/, '.000Z'));
      const deps = { store, secrets, policy, now: () => createdMs };
      const result = await verifyUsernameToken(
        deps,
        {
          username: vector.username,
          passwordDigest: vector.password_digest,
          nonce: vector.nonce,
          created: vector.created,
        },
        'key_or_login',
      );
      expect(result).toMatchObject({ ok: false, code: 'invalid_credentials' });
    },
  );

  it('an x_wsse vector parses to exactly its fields', () => {
    for (const vector of vectors.valid) {
      const parsed = parseWsseHeader(vector.x_wsse);
      expect(parsed).toMatchObject({
        ok: true,
        token: {
          username: vector.username,
          passwordDigest: vector.password_digest,
          nonce: vector.nonce,
          created: vector.created,
        },
      });
    }
  });
});
