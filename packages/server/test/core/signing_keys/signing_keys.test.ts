import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import { createSigningKey } from '../../../src/core/signing_keys/create_signing_key.js';
import { ensureSigningKey } from '../../../src/core/signing_keys/ensure_signing_key.js';
import { pruneSigningKeys } from '../../../src/core/signing_keys/key_retention.js';
import { rotateSigningKeys } from '../../../src/core/signing_keys/rotate_signing_keys.js';
import { listSigningKeys } from '../../../src/core/signing_keys/signing_key_view.js';
import { SecretUnsealError } from '../../../src/secrets/secret_unseal_error.js';
import { createTokenWorld, START_MS } from '../tokens/token_fixtures.js';

const NOW = START_MS / 1000;

describe('createSigningKey (O-11)', () => {
  it('stores the public JWK without d and the private JWK sealed under the kid', async () => {
    const world = await createTokenWorld();
    const record = await createSigningKey(world.keyDeps, { activatesAt: NOW });
    const [row] = await world.storedKeys();
    expect(row).toEqual(record);
    const publicJwk = JSON.parse(record.publicJwk) as Record<string, unknown>;
    expect(Object.keys(publicJwk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    expect(publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(record.kid).toBe(await calculateJwkThumbprint(publicJwk, 'sha256'));
    expect(record).toMatchObject({
      alg: 'ES256',
      createdAt: NOW,
      activatesAt: NOW,
      retiredAt: null,
    });

    const privateJwk = JSON.parse(world.keyring.open(record.privateJwkSealed, record.kid)) as {
      d: string;
      x: string;
    };
    expect(privateJwk.d).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(privateJwk.x).toBe(publicJwk.x);
    expect(record.privateJwkSealed).not.toContain(privateJwk.d);
    expect(record.privateJwkSealed).not.toContain('"d"');
    expect(JSON.stringify(await world.storedKeys())).not.toContain(privateJwk.d);
  });

  it('a sealed private key does not open under another kid (wrong associated data)', async () => {
    const world = await createTokenWorld();
    const a = await createSigningKey(world.keyDeps, { activatesAt: NOW });
    const b = await createSigningKey(world.keyDeps, { activatesAt: NOW });
    expect(() => world.keyring.open(a.privateJwkSealed, b.kid)).toThrow(SecretUnsealError);
    expect(() => world.keyring.open(a.privateJwkSealed, '')).toThrow(SecretUnsealError);
  });
});

describe('ensureSigningKey', () => {
  it('creates an immediately active key on first start and nothing afterwards', async () => {
    const world = await createTokenWorld();
    const first = await ensureSigningKey(world.keyDeps);
    expect(first.created).toBe(true);
    world.clock.advance(5000);
    expect(await ensureSigningKey(world.keyDeps)).toEqual({ kid: first.kid, created: false });
    expect(await world.storedKeys()).toHaveLength(1);
    expect((await listSigningKeys(world.keyDeps))[0]).toMatchObject({
      kid: first.kid,
      status: 'active',
      activatesAt: NOW,
    });
  });

  it('two processes starting together leave at most two keys, exactly one active', async () => {
    const world = await createTokenWorld();
    const results = await Promise.all([
      ensureSigningKey(world.keyDeps),
      ensureSigningKey(world.keyDeps),
    ]);
    expect(results.every((result) => result.created)).toBe(true);
    const keys = await listSigningKeys(world.keyDeps);
    expect(keys).toHaveLength(2);
    expect(keys.map((key) => key.status).sort()).toEqual(['active', 'retired']);
    // The loser is retired at the winner's activation, so it stays published (and verifying).
    expect(keys.find((key) => key.status === 'retired')?.retiredAt).toBe(NOW);
  });

  it('adds an active key when only an announced (pending) key exists', async () => {
    const world = await createTokenWorld();
    const rotated = await rotateSigningKeys(world.keyDeps, { announceSeconds: 300 });
    // With no key signing there is nothing to hand over from: the rotated key is active at once.
    expect(rotated.key.status).toBe('active');
    const pendingOnly = await createTokenWorld();
    await createSigningKey(pendingOnly.keyDeps, { activatesAt: NOW + 600 });
    const ensured = await ensureSigningKey(pendingOnly.keyDeps);
    expect(ensured.created).toBe(true);
    const keys = await listSigningKeys(pendingOnly.keyDeps);
    expect(keys.map((key) => [key.status, key.retiredAt])).toEqual([
      ['active', NOW + 600],
      ['pending', null],
    ]);
  });
});

describe('rotateSigningKeys', () => {
  it('publishes the new key now, signs with it after the announce period, retires the old one then', async () => {
    const world = await createTokenWorld();
    const { kid: oldKid } = await ensureSigningKey(world.keyDeps);
    world.clock.advance(10_000);
    const rotation = await rotateSigningKeys(world.keyDeps, { announceSeconds: 300 });
    expect(rotation.key).toMatchObject({
      status: 'pending',
      createdAt: NOW + 10,
      activatesAt: NOW + 310,
      retiredAt: null,
    });
    expect(rotation.retired).toEqual([oldKid]);
    expect(rotation.deleted).toBe(0);
    const statuses = async () =>
      Object.fromEntries((await listSigningKeys(world.keyDeps)).map((k) => [k.kid, k.status]));
    expect(await statuses()).toEqual({ [oldKid]: 'active', [rotation.key.kid]: 'pending' });
    expect((await world.storedKeys()).find((row) => row.kid === oldKid)?.retiredAt).toBe(NOW + 310);
    world.clock.advance(299_000);
    expect(await statuses()).toEqual({ [oldKid]: 'active', [rotation.key.kid]: 'pending' });
    world.clock.advance(1000);
    expect(await statuses()).toEqual({ [oldKid]: 'retired', [rotation.key.kid]: 'active' });
  });

  it('defaults to a 300 s announce period', async () => {
    const world = await createTokenWorld();
    await ensureSigningKey(world.keyDeps);
    const rotation = await rotateSigningKeys(world.keyDeps);
    expect(rotation.key.activatesAt - rotation.key.createdAt).toBe(300);
  });

  it('refuses a negative or fractional announce period (caller misuse)', async () => {
    const world = await createTokenWorld();
    await expect(rotateSigningKeys(world.keyDeps, { announceSeconds: -1 })).rejects.toThrow(
      TypeError,
    );
    await expect(rotateSigningKeys(world.keyDeps, { announceSeconds: 1.5 })).rejects.toThrow(
      TypeError,
    );
    expect(await world.storedKeys()).toHaveLength(0);
  });

  it('deletes a retired key only once every token it could have signed has expired', async () => {
    const world = await createTokenWorld();
    const { kid: oldKid } = await ensureSigningKey(world.keyDeps);
    const { key } = await rotateSigningKeys(world.keyDeps, { announceSeconds: 0 });
    // Made in the same second as the first key, yet it activates after it and takes over.
    expect(key).toMatchObject({ activatesAt: NOW + 1, status: 'pending' });
    expect((await world.storedKeys()).find((row) => row.kid === oldKid)?.retiredAt).toBe(NOW + 1);
    // Refresh tokens (432000 s) outlive access tokens, plus a 3600 s grace for slow reloads.
    const lastValid = NOW + 1 + 432_000 + 3600;
    world.clock.set(lastValid * 1000);
    expect(await pruneSigningKeys(world.keyDeps)).toBe(0);
    expect((await rotateSigningKeys(world.keyDeps, { announceSeconds: 0 })).deleted).toBe(0);
    expect((await world.storedKeys()).map((row) => row.kid)).toContain(oldKid);
    world.clock.set((lastValid + 1) * 1000);
    expect(await pruneSigningKeys(world.keyDeps)).toBe(1);
    expect((await world.storedKeys()).map((row) => row.kid)).not.toContain(oldKid);
  });

  it('keeps keys for the configured lifetimes when they are shorter', async () => {
    const world = await createTokenWorld();
    await ensureSigningKey(world.keyDeps);
    await rotateSigningKeys(world.keyDeps, { announceSeconds: 0 });
    world.clock.set((NOW + 1 + 7201) * 1000);
    const options = {
      accessTokenLifetimeSeconds: 3600,
      refreshTokenLifetimeSeconds: 3600,
      graceSeconds: 3600,
    };
    expect(await pruneSigningKeys(world.keyDeps, options)).toBe(1);
  });
});

describe('listSigningKeys', () => {
  it('never returns key material', async () => {
    const world = await createTokenWorld();
    await ensureSigningKey(world.keyDeps);
    await rotateSigningKeys(world.keyDeps);
    const listed = await listSigningKeys(world.keyDeps);
    expect(listed).toHaveLength(2);
    for (const key of listed) {
      expect(Object.keys(key).sort()).toEqual([
        'activatesAt',
        'alg',
        'createdAt',
        'kid',
        'retiredAt',
        'status',
      ]);
    }
    const text = JSON.stringify(listed);
    for (const row of await world.storedKeys()) {
      expect(text).not.toContain(row.privateJwkSealed);
      expect(text).not.toContain(JSON.parse(row.publicJwk).x);
    }
  });
});
