import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  JwksCache,
  TokenInvalidError,
  type VerifyAccessTokenOptions,
  verifyAccessToken,
} from '../src/index.js';

/**
 * The key set behind verifyAccessToken, against a JWKS the test serves itself: an unknown
 * `kid` refetches the set at most once per cooldown however many tokens name one (a key
 * published by a rotation is then found), the set is refetched after its maximum age, every
 * fetch goes through the caller's `fetch`, and `nbf`/`iat` in the future are refused.
 */
const ISSUER = 'https://auth.example.test';
const JWKS_URL = `${ISSUER}/oauth/token/jwks`;

type SigningKey = { kid: string; privateKey: CryptoKey; jwk: JWK };

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256' } };
}

let current: SigningKey;
let rotated: SigningKey;
beforeAll(async () => {
  current = await signingKey('current');
  rotated = await signingKey('rotated');
});

/** The published set, and every URL fetched. */
let published: JWK[];
let fetched: string[];
const fakeFetch = async (url: string) => {
  fetched.push(url);
  return Response.json({ keys: published });
};

/** The platform clock the key set's ages are measured with. */
let clock: number;
beforeEach(() => {
  published = [current.jwk];
  fetched = [];
  clock = Date.UTC(2026, 0, 1);
  vi.spyOn(Date, 'now').mockImplementation(() => clock);
});
afterEach(() => {
  vi.restoreAllMocks();
});

function token(key: SigningKey, claims: JWTPayload = {}, kid = key.kid): Promise<string> {
  const nowSeconds = Math.floor(clock / 1000);
  return new SignJWT({ sub: 'user-1', iat: nowSeconds, exp: nowSeconds + 600, ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
    .setIssuer(ISSUER)
    .setAudience(ISSUER)
    .sign(key.privateKey);
}

function options(jwks: JwksCache): VerifyAccessTokenOptions {
  return { issuer: ISSUER, audience: ISSUER, fetch: fakeFetch, now: () => clock, jwks };
}

async function reasonOf(jwt: string, jwks: JwksCache) {
  const error = await verifyAccessToken(jwt, options(jwks)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TokenInvalidError);
  return (error as TokenInvalidError).reason;
}

describe('the JWKS refetch on an unknown kid', () => {
  it('is bounded: a flood of unknown kids costs one refetch per cooldown', async () => {
    const jwks = new JwksCache({ cooldownSeconds: 30 });
    await verifyAccessToken(await token(current), options(jwks));
    expect(fetched).toEqual([JWKS_URL]);
    // Within the cooldown: refused without asking again.
    for (let i = 0; i < 10; i++) {
      expect(await reasonOf(await token(rotated, {}, `forged-${i}`), jwks)).toBe('unknown_key');
    }
    expect(fetched).toHaveLength(1);
    // After it: one refetch, shared by concurrent tokens, then quiet again.
    clock += 31_000;
    const forged = await Promise.all(
      Array.from({ length: 10 }, async (_, i) =>
        reasonOf(await token(rotated, {}, `x-${i}`), jwks),
      ),
    );
    expect(forged.every((reason) => reason === 'unknown_key')).toBe(true);
    expect(fetched).toHaveLength(2);
    expect(await reasonOf(await token(rotated, {}, 'late'), jwks)).toBe('unknown_key');
    expect(fetched).toHaveLength(2);
  });

  it('finds a key a rotation published since the last fetch', async () => {
    const jwks = new JwksCache();
    await verifyAccessToken(await token(current), options(jwks));
    published = [current.jwk, rotated.jwk];
    clock += 31_000;
    await expect(verifyAccessToken(await token(rotated), options(jwks))).resolves.toMatchObject({
      sub: 'user-1',
    });
    expect(fetched).toHaveLength(2);
  });

  it('refetches the set after maxAgeSeconds, not before', async () => {
    const jwks = new JwksCache({ maxAgeSeconds: 60 });
    await verifyAccessToken(await token(current), options(jwks));
    clock += 59_000;
    await verifyAccessToken(await token(current), options(jwks));
    expect(fetched).toHaveLength(1);
    clock += 2000;
    await verifyAccessToken(await token(current), options(jwks));
    expect(fetched).toHaveLength(2);
  });

  it('never uses a key the token names itself, and needs a kid', async () => {
    const jwks = new JwksCache();
    const embedded = await new SignJWT({ sub: 'user-1', exp: Math.floor(clock / 1000) + 600 })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'current', jwk: rotated.jwk })
      .setIssuer(ISSUER)
      .setAudience(ISSUER)
      .sign(rotated.privateKey);
    expect(await reasonOf(embedded, jwks)).toBe('signature');
    const kidless = await new SignJWT({ sub: 'user-1', exp: Math.floor(clock / 1000) + 600 })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setAudience(ISSUER)
      .sign(current.privateKey);
    expect(await reasonOf(kidless, jwks)).toBe('unknown_key');
  });

  it('reports a set it cannot get as jwks_unavailable', async () => {
    const jwks = new JwksCache();
    const jwt = await token(current);
    const failing = [
      async () => new Response('{}', { status: 500 }),
      async () => new Response('not json'),
      async () => Response.json({ keys: 'none' }),
      async () => {
        throw new TypeError('fetch failed');
      },
    ];
    for (const [i, fetchImpl] of failing.entries()) {
      const error = await verifyAccessToken(jwt, {
        ...options(jwks),
        jwksUrl: `${JWKS_URL}?case=${i}`,
        fetch: fetchImpl,
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'token_invalid', reason: 'jwks_unavailable' });
    }
  });
});

describe('time claims', () => {
  it('refuses nbf and iat in the future beyond the tolerance', async () => {
    const jwks = new JwksCache();
    const inSeconds = (s: number) => Math.floor(clock / 1000) + s;
    expect(await reasonOf(await token(current, { nbf: inSeconds(31) }), jwks)).toBe(
      'not_yet_valid',
    );
    expect(await reasonOf(await token(current, { iat: inSeconds(31) }), jwks)).toBe(
      'not_yet_valid',
    );
    await expect(
      verifyAccessToken(await token(current, { nbf: inSeconds(29), iat: inSeconds(29) }), {
        ...options(jwks),
      }),
    ).resolves.toBeTruthy();
  });

  it('refuses a token without exp or sub', async () => {
    const jwks = new JwksCache();
    expect(await reasonOf(await token(current, { exp: undefined }), jwks)).toBe('malformed');
    expect(await reasonOf(await token(current, { sub: undefined }), jwks)).toBe('malformed');
    expect(await reasonOf(await token(current, { sub: 42 as unknown as string }), jwks)).toBe(
      'malformed',
    );
  });
});
