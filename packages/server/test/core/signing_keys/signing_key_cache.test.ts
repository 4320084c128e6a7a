import { describe, expect, it, vi } from 'vitest';
import { createSigningKey } from '../../../src/core/signing_keys/create_signing_key.js';
import { ensureSigningKey } from '../../../src/core/signing_keys/ensure_signing_key.js';
import { rotateSigningKeys } from '../../../src/core/signing_keys/rotate_signing_keys.js';
import { SigningKeyCache } from '../../../src/core/signing_keys/signing_key_cache.js';
import { SigningKeyError } from '../../../src/core/signing_keys/signing_key_error.js';
import { issueAccessToken } from '../../../src/core/tokens/issue_access_token.js';
import { verifyAccessToken } from '../../../src/core/tokens/verify_access_token.js';
import { type SigningKeyRecord, StoreUnavailableError } from '../../../src/store/port.js';
import { createScratchSqliteStore } from '../../support/scratch_sqlite_store.js';
import {
  ALICE,
  AUDIENCE,
  createTokenWorld,
  START_MS,
  secondProcess,
  type TokenWorld,
} from '../tokens/token_fixtures.js';

const NOW = START_MS / 1000;

/** A key made with the world's keyring but stored elsewhere, to be stored altered. */
async function unstoredKey(world: TokenWorld): Promise<SigningKeyRecord> {
  const store = await createScratchSqliteStore();
  try {
    return await createSigningKey({ ...world.keyDeps, store }, { activatesAt: NOW });
  } finally {
    await store.close();
  }
}

describe('SigningKeyCache.jwks (O-11)', () => {
  it('publishes every key, pending, active and retired, with public members only', async () => {
    const world = await createTokenWorld();
    await ensureSigningKey(world.keyDeps);
    await rotateSigningKeys(world.keyDeps, { announceSeconds: 0 });
    await rotateSigningKeys(world.keyDeps, { announceSeconds: 300 });
    const jwks = await world.cache.jwks();
    expect(jwks.keys.map((key) => key.kid).sort()).toEqual(
      (await world.storedKeys()).map((row) => row.kid).sort(),
    );
    for (const key of jwks.keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(key).not.toHaveProperty('d');
    }
    // Nothing private anywhere in the document, whatever it is called.
    const text = JSON.stringify(jwks);
    for (const row of await world.storedKeys()) {
      const { d } = JSON.parse(world.keyring.open(row.privateJwkSealed, row.kid)) as { d: string };
      expect(text).not.toContain(d);
    }
  });

  it('never publishes a d member even if a damaged row stored one in publicJwk', async () => {
    const world = await createTokenWorld();
    const record = await unstoredKey(world);
    const { d } = JSON.parse(world.keyring.open(record.privateJwkSealed, record.kid)) as {
      d: string;
    };
    await world.signingKeys.create({
      ...record,
      publicJwk: JSON.stringify({ ...JSON.parse(record.publicJwk), d }),
    });
    const jwks = await world.cache.jwks();
    expect(jwks.keys).toHaveLength(1);
    expect(JSON.stringify(jwks)).not.toContain(d);
  });

  it('leaves out and reports a row whose kid is not its thumbprint', async () => {
    const world = await createTokenWorld();
    const good = await createSigningKey(world.keyDeps, { activatesAt: NOW });
    const other = await unstoredKey(world);
    // Publishes `good`'s public key under `other`'s kid.
    await world.signingKeys.create({ ...other, publicJwk: good.publicJwk });
    const problems: [string, string][] = [];
    const cache = new SigningKeyCache(world.keyDeps, {
      onKeyProblem: (kid, problem) => problems.push([kid, problem]),
    });
    expect((await cache.jwks()).keys.map((key) => key.kid)).toEqual([good.kid]);
    expect(problems).toEqual([[other.kid, 'kid_mismatch']]);
  });
});

describe('SigningKeyCache loading', () => {
  it('picks up a key rotated by another process on the next call, through dataVersion', async () => {
    const server = await createTokenWorld();
    await ensureSigningKey(server.keyDeps);
    expect((await server.cache.jwks()).keys).toHaveLength(1);

    // The CLI, another process over the same store.
    const cli = secondProcess(server);
    server.clock.advance(1000);
    const { key } = await rotateSigningKeys(cli.keyDeps, { announceSeconds: 0 });

    expect((await server.cache.jwks()).keys.map((k) => k.kid)).toContain(key.kid);
    expect((await server.cache.signingKey()).kid).toBe(key.kid);
    // Nothing changed since: no further reads.
    const list = vi.spyOn(server.signingKeys, 'list');
    await server.cache.jwks();
    await server.cache.signingKey();
    expect(list).not.toHaveBeenCalled();
  });

  it('keeps serving the loaded keys while the store cannot say its dataVersion', async () => {
    const server = await createTokenWorld();
    await ensureSigningKey(server.keyDeps);
    let storeDown = false;
    const store = {
      signingKeys: server.signingKeys,
      dataVersion: () => {
        if (storeDown) throw new StoreUnavailableError('the database is unavailable');
        return 1;
      },
    };
    const cache = new SigningKeyCache({ ...server.keyDeps, store });
    const kids = (await cache.jwks()).keys.map((k) => k.kid);
    storeDown = true;
    server.clock.advance(1000);
    expect((await cache.jwks()).keys.map((k) => k.kid)).toEqual(kids);
    // Past the backstop reload the version is read again, and the outage shows.
    server.clock.advance(30_000);
    await expect(cache.jwks()).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('without dataVersion, picks up a rotation after the refresh interval, not before', async () => {
    const server = await createTokenWorld();
    const unversioned = { ...server.keyDeps, store: { signingKeys: server.signingKeys } };
    const cache = new SigningKeyCache(unversioned);
    await ensureSigningKey(server.keyDeps);
    expect((await cache.jwks()).keys).toHaveLength(1);
    server.clock.advance(1000);
    const { key } = await rotateSigningKeys(server.keyDeps, { announceSeconds: 300 });

    server.clock.advance(28_000);
    expect((await cache.jwks()).keys.map((k) => k.kid)).not.toContain(key.kid);
    server.clock.advance(1000);
    expect((await cache.jwks()).keys.map((k) => k.kid)).toContain(key.kid);
    expect((await cache.jwks()).keys).toHaveLength(2);
  });

  it('honours a configured refresh interval', async () => {
    const world = await createTokenWorld();
    await ensureSigningKey(world.keyDeps);
    const unversioned = { ...world.keyDeps, store: { signingKeys: world.signingKeys } };
    const cache = new SigningKeyCache(unversioned, { refreshSeconds: 5 });
    await cache.jwks();
    await rotateSigningKeys(world.keyDeps, { announceSeconds: 300 });
    world.clock.advance(4999);
    expect((await cache.jwks()).keys).toHaveLength(1);
    world.clock.advance(1);
    expect((await cache.jwks()).keys).toHaveLength(2);
  });

  it('verifies a token from a key it has not loaded yet by reloading once (announce 0)', async () => {
    const server = await createTokenWorld();
    await ensureSigningKey(server.keyDeps);
    await server.cache.jwks();
    const other = secondProcess(server);
    server.clock.advance(2000);
    await rotateSigningKeys(other.keyDeps, { announceSeconds: 0 });
    const { token } = await issueAccessToken(other.tokens, ALICE);
    const result = await verifyAccessToken(server.tokens, token, { audience: AUDIENCE });
    expect(result.ok).toBe(true);
  });

  it('made-up kids cause at most one store read per second', async () => {
    const world = await createTokenWorld();
    await ensureSigningKey(world.keyDeps);
    const list = vi.spyOn(world.signingKeys, 'list');
    await world.cache.jwks();
    expect(list).toHaveBeenCalledTimes(1);
    const forged = (kid: string) =>
      `${Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid })).toString('base64url')}.e30.${'A'.repeat(86)}`;
    for (let i = 0; i < 20; i++) {
      const result = await verifyAccessToken(world.tokens, forged(`kid-${i}`), {
        audience: AUDIENCE,
      });
      expect(result).toEqual({ ok: false, code: 'unknown_key' });
    }
    expect(list).toHaveBeenCalledTimes(1);
    world.clock.advance(1000);
    for (let i = 0; i < 20; i++) {
      await verifyAccessToken(world.tokens, forged(`again-${i}`), { audience: AUDIENCE });
    }
    expect(list).toHaveBeenCalledTimes(2);
  });

  it('opens and imports each private key once, not per token', async () => {
    const world = await createTokenWorld();
    await ensureSigningKey(world.keyDeps);
    const open = vi.spyOn(world.keyring, 'open');
    for (let i = 0; i < 5; i++) await issueAccessToken(world.tokens, ALICE);
    world.clock.advance(60_000);
    for (let i = 0; i < 5; i++) await issueAccessToken(world.tokens, ALICE);
    expect(open).toHaveBeenCalledTimes(1);
  });

  it('finds a key created by another process one second after failing to sign', async () => {
    const world = await createTokenWorld();
    await expect(world.cache.signingKey()).rejects.toMatchObject({ code: 'no_signing_key' });
    await ensureSigningKey(secondProcess(world).keyDeps);
    world.clock.advance(1000);
    const { kid } = await world.cache.signingKey();
    expect(kid).toBe((await world.storedKeys())[0]?.kid);
  });

  it('refuses to sign with no active key, or a key the master keyring cannot open', async () => {
    const empty = await createTokenWorld();
    await expect(empty.cache.signingKey()).rejects.toMatchObject({ code: 'no_signing_key' });

    const pendingOnly = await createTokenWorld();
    await createSigningKey(pendingOnly.keyDeps, { activatesAt: NOW + 60 });
    await expect(pendingOnly.cache.signingKey()).rejects.toBeInstanceOf(SigningKeyError);

    const damaged = await createTokenWorld();
    const row = await unstoredKey(damaged);
    const sealed = damaged.keyring.seal('{"kty":"EC"}', row.kid);
    await damaged.signingKeys.create({ ...row, privateJwkSealed: sealed });
    const error = await damaged.cache.signingKey().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'key_unavailable' });
    expect(String((error as Error).message)).not.toContain(sealed);
  });

  it('refuses a private key that does not match the published public key', async () => {
    const world = await createTokenWorld();
    const a = await unstoredKey(world);
    const b = await unstoredKey(world);
    const privateOfB = world.keyring.open(b.privateJwkSealed, b.kid);
    await world.signingKeys.create({
      ...a,
      privateJwkSealed: world.keyring.seal(privateOfB, a.kid),
    });
    await expect(world.cache.signingKey()).rejects.toMatchObject({ code: 'key_unavailable' });
  });
});
