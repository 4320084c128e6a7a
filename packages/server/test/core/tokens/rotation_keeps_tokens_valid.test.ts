import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { ensureSigningKey } from '../../../src/core/signing_keys/ensure_signing_key.js';
import { rotateSigningKeys } from '../../../src/core/signing_keys/rotate_signing_keys.js';
import { issueAccessToken } from '../../../src/core/tokens/issue_access_token.js';
import { issueRefreshToken } from '../../../src/core/tokens/issue_refresh_token.js';
import { verifyAccessToken } from '../../../src/core/tokens/verify_access_token.js';
import { verifyRefreshToken } from '../../../src/core/tokens/verify_refresh_token.js';
import { ALICE, AUDIENCE, createTokenWorld, START_MS, secondProcess } from './token_fixtures.js';

describe('key rotation with a frozen clock (O-11)', () => {
  it('old tokens verify until they expire; the new key signs only after its announce period', async () => {
    const server = await createTokenWorld();
    const { kid: oldKid } = await ensureSigningKey(server.keyDeps);
    const before = await issueAccessToken(server.tokens, ALICE);
    const refreshBefore = await issueRefreshToken(server.tokens, { ...ALICE, familyId: 'f' });
    expect(decodeProtectedHeader(before.token).kid).toBe(oldKid);

    // `keygate keys rotate --announce 300` from another process, 10 s later.
    server.clock.advance(10_000);
    const { key } = await rotateSigningKeys(secondProcess(server).keyDeps, {
      announceSeconds: 300,
    });
    const kidOf = async () =>
      decodeProtectedHeader((await issueAccessToken(server.tokens, ALICE)).token).kid;

    server.clock.advance(30_000); // the server has reloaded: the new key is published …
    expect((await server.cache.jwks()).keys.map((k) => k.kid)).toContain(key.kid);
    expect(await kidOf()).toBe(oldKid); // … but does not sign yet.
    server.clock.advance(269_000); // 1 s before activation
    expect(await kidOf()).toBe(oldKid);
    server.clock.advance(1000);
    expect(await kidOf()).toBe(key.kid);

    // Tokens signed by the retired key still verify, and stay published.
    expect((await verifyAccessToken(server.tokens, before.token, { audience: AUDIENCE })).ok).toBe(
      true,
    );
    expect((await server.cache.jwks()).keys.map((k) => k.kid)).toContain(oldKid);
    // Until the access token expires (issued at START, 3600 s).
    server.clock.advance((3600 - 310) * 1000 - 1000);
    expect((await verifyAccessToken(server.tokens, before.token, { audience: AUDIENCE })).ok).toBe(
      true,
    );
    server.clock.advance(1000);
    expect(await verifyAccessToken(server.tokens, before.token, { audience: AUDIENCE })).toEqual({
      ok: false,
      code: 'expired',
    });

    // The refresh token signed by the old key lives 432000 s: a rotation (which prunes) just
    // before it expires must keep the old key, and the server must still verify it.
    server.clock.set(START_MS + (432_000 - 31) * 1000);
    expect((await rotateSigningKeys(server.keyDeps, { announceSeconds: 0 })).deleted).toBe(0);
    server.clock.advance(30_000);
    expect((await server.cache.jwks()).keys.map((k) => k.kid)).toContain(oldKid);
    expect((await verifyRefreshToken(server.tokens, refreshBefore.token)).ok).toBe(true);
    server.clock.advance(1000);
    expect(await verifyRefreshToken(server.tokens, refreshBefore.token)).toEqual({
      ok: false,
      code: 'expired',
    });
  });
});
