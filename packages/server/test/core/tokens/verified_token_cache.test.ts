import { generateKeyPair, SignJWT } from 'jose';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureSigningKey } from '../../../src/core/signing_keys/ensure_signing_key.js';
import { issueAccessToken } from '../../../src/core/tokens/issue_access_token.js';
import { issueRefreshToken } from '../../../src/core/tokens/issue_refresh_token.js';
import { VerifiedTokenCache } from '../../../src/core/tokens/verified_token_cache.js';
import { verifyAccessToken } from '../../../src/core/tokens/verify_access_token.js';
import { verifyRefreshToken } from '../../../src/core/tokens/verify_refresh_token.js';
import { ALICE, AUDIENCE, createTokenWorld, ISSUER, type TokenWorld } from './token_fixtures.js';

let world: TokenWorld;
let memo: VerifiedTokenCache;
beforeEach(async () => {
  world = await createTokenWorld({ memo: true });
  memo = world.tokens.verifiedTokens as VerifiedTokenCache;
  await ensureSigningKey(world.keyDeps);
});

const verify = (token: string, audience = AUDIENCE) =>
  verifyAccessToken(world.tokens, token, { audience });

describe('VerifiedTokenCache in verifyAccessToken', () => {
  it('remembers a verified token and answers the same claims from memory', async () => {
    const { token } = await issueAccessToken(world.tokens, ALICE);
    const first = await verify(token);
    expect(memo.size).toBe(1);
    const get = vi.spyOn(memo, 'get');
    const second = await verify(token);
    expect(second).toEqual(first);
    expect(get).toHaveReturnedWith(expect.objectContaining({ payload: expect.any(Object) }));
    expect(memo.size).toBe(1);
  });

  it('re-checks expiry on a hit and forgets the expired token', async () => {
    const { token } = await issueAccessToken(world.tokens, ALICE);
    expect((await verify(token)).ok).toBe(true);
    world.clock.advance(3600_000);
    expect(await verify(token)).toEqual({ ok: false, code: 'expired' });
    expect(memo.size).toBe(0);
  });

  it('re-checks audience and type on a hit', async () => {
    const { token } = await issueAccessToken(world.tokens, { ...ALICE, audience: ISSUER });
    expect((await verify(token, ISSUER)).ok).toBe(true);
    expect(await verify(token, 'https://other.test')).toEqual({
      ok: false,
      code: 'wrong_audience',
    });
    expect(await verifyRefreshToken(world.tokens, token)).toEqual({
      ok: false,
      code: 'wrong_type',
    });
    const refresh = await issueRefreshToken(world.tokens, { ...ALICE, familyId: 'f' });
    expect((await verifyRefreshToken(world.tokens, refresh.token)).ok).toBe(true);
    expect(await verify(refresh.token, ISSUER)).toEqual({ ok: false, code: 'wrong_type' });
  });

  it('stops accepting a remembered token once its key is gone from the store', async () => {
    const { token } = await issueAccessToken(world.tokens, ALICE);
    expect((await verify(token)).ok).toBe(true);
    // An operator deletes a compromised key; the process reloads after its interval.
    const [key] = await world.storedKeys();
    await world.signingKeys.retire(key?.kid ?? '', 0);
    expect(await world.signingKeys.deleteRetiredBefore(1)).toBe(1);
    world.clock.advance(30_000);
    expect(await verify(token)).toEqual({ ok: false, code: 'unknown_key' });
    expect(memo.size).toBe(0);
  });

  it('never remembers a token that failed before or at the signature', async () => {
    const foreign = await generateKeyPair('ES256');
    const { kid } = await world.cache.signingKey();
    const forged = await new SignJWT({ iss: ISSUER, aud: AUDIENCE })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
      .sign(foreign.privateKey);
    for (let i = 0; i < 3; i++) {
      expect(await verify(forged)).toEqual({ ok: false, code: 'invalid_signature' });
    }
    expect(await verify('a.b.c')).toMatchObject({ ok: false });
    expect(memo.size).toBe(0);
  });

  it('a remembered signature never vouches for another payload (same signature segment)', async () => {
    const { token } = await issueAccessToken(world.tokens, ALICE);
    expect((await verify(token)).ok).toBe(true);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'));
    const widened = Buffer.from(JSON.stringify({ ...claims, scope: 'admin' })).toString(
      'base64url',
    );
    const spliced = `${header}.${widened}.${signature}`;
    expect(memo.get(spliced)).toBeUndefined();
    expect(await verify(spliced)).toEqual({ ok: false, code: 'invalid_signature' });
    // Nor can the spliced token push the real one out.
    memo.forget(spliced);
    expect(memo.get(token)).toBeDefined();
    expect((await verify(token)).ok).toBe(true);
  });

  it('is bounded, dropping the oldest token first', async () => {
    const small = new VerifiedTokenCache({ maxEntries: 2 });
    const deps = { ...world.tokens, verifiedTokens: small };
    const tokens = [];
    for (let i = 0; i < 3; i++) tokens.push((await issueAccessToken(deps, ALICE)).token);
    for (const token of tokens) await verifyAccessToken(deps, token, { audience: AUDIENCE });
    expect(small.size).toBe(2);
    expect(small.get(tokens[0] ?? '')).toBeUndefined();
    expect(small.get(tokens[2] ?? '')).toBeDefined();
  });
});
