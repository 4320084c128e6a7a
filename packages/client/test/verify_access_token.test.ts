import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  decodeJwt,
  keygatePrivateKey,
  signEs256,
  signHs256,
  unsigned,
} from '../../server/test/support/jwt_forgery.js';
import {
  codeFlowTokens,
  createClient,
  createPasswordUser,
  type FlowTokens,
} from '../../server/test/support/oauth_fixtures.js';
import { countRequests, type RequestCounter } from '../../server/test/support/request_counter.js';
import { startTestServer, type TestServer } from '../../server/test/support/start_test_server.js';
import {
  JwksCache,
  TokenInvalidError,
  type VerifyAccessTokenOptions,
  verifyAccessToken,
} from '../src/index.js';

/**
 * The SDK's access token check (O-10): tokens from the running server verify against its JWKS;
 * `alg: none`, HMAC with the public key, a foreign `kid` (even with the key embedded in the
 * header), a forged signature, another audience or issuer, a refresh token and an expired
 * token are all refused with the matching `reason`.
 */
let server: TestServer;
let flow: FlowTokens;
let requests: RequestCounter;
beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  const client = await createClient(server);
  const user = await createPasswordUser(server);
  flow = await codeFlowTokens(server, client, user);
  requests = countRequests(server);
});
afterAll(() => server.close());

function options(extra: Partial<VerifyAccessTokenOptions> = {}): VerifyAccessTokenOptions {
  return {
    issuer: server.config.issuer,
    audience: server.config.oauth.audience,
    now: server.clock.now,
    jwks: new JwksCache(),
    ...extra,
  };
}

async function reasonOf(token: string, extra: Partial<VerifyAccessTokenOptions> = {}) {
  const error = await verifyAccessToken(token, options(extra)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TokenInvalidError);
  expect((error as TokenInvalidError).code).toBe('token_invalid');
  return (error as TokenInvalidError).reason;
}

const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const attackerJwk = attacker.publicKey.export({ format: 'jwk' }) as JsonWebKey;

describe('verifyAccessToken', () => {
  it('accepts a real access token and returns its claims', async () => {
    const claims = await verifyAccessToken(flow.accessToken, options());
    expect(claims).toMatchObject({
      iss: server.config.issuer,
      aud: server.config.oauth.audience,
      scope: 'documents:read',
    });
    expect(claims.sub).toEqual(expect.any(String));
  });

  it('fetches the JWKS once and serves later checks from the cache', async () => {
    const jwks = new JwksCache();
    requests.reset();
    for (let i = 0; i < 3; i++) await verifyAccessToken(flow.accessToken, options({ jwks }));
    expect(requests.count('GET', '/oauth/token/jwks')).toBe(1);
  });

  it('imports the verification key into WebCrypto once per kid, not per token', async () => {
    const jwks = new JwksCache();
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey');
    try {
      for (let i = 0; i < 3; i++) await verifyAccessToken(flow.accessToken, options({ jwks }));
      expect(importKey).toHaveBeenCalledTimes(1);
    } finally {
      importKey.mockRestore();
    }
  });

  it('refuses alg none', async () => {
    const { header, payload } = decodeJwt(flow.accessToken);
    expect(await reasonOf(unsigned({ ...header, alg: 'none' }, payload))).toBe('algorithm');
  });

  it('refuses any crit header, including a malformed non-array one (RFC 7515 §4.1.11)', async () => {
    const { header, payload } = decodeJwt(flow.accessToken);
    for (const crit of [['exp'], 'exp', {}]) {
      expect(await reasonOf(unsigned({ ...header, crit }, payload))).toBe('malformed');
    }
  });

  it('refuses HS256 keyed with the public key (algorithm confusion)', async () => {
    const { header, payload } = decodeJwt(flow.accessToken);
    const jwks = await (await fetch(`${server.url}/oauth/token/jwks`)).text();
    expect(await reasonOf(signHs256({ ...header, alg: 'HS256' }, payload, jwks))).toBe('algorithm');
  });

  it('refuses a foreign kid, even with the attacker key in jwk and jku headers', async () => {
    const { header, payload } = decodeJwt(flow.accessToken);
    const forged = signEs256(
      {
        ...header,
        kid: 'attacker-key',
        jwk: { ...attackerJwk, kid: 'attacker-key' },
        jku: 'http://127.0.0.1:9/jwks',
      },
      payload,
      attacker.privateKey,
    );
    requests.reset();
    expect(await reasonOf(forged)).toBe('unknown_key');
    // The JWKS came from the issuer only.
    expect(requests.seen.every((r) => r.path === '/oauth/token/jwks')).toBe(true);
  });

  it("refuses keygate's kid with a signature by another key", async () => {
    const { header, payload } = decodeJwt(flow.accessToken);
    const forged = signEs256(header, { ...payload, scope: 'admin' }, attacker.privateKey);
    expect(await reasonOf(forged)).toBe('signature');
  });

  it('refuses a changed claim under the original signature', async () => {
    const [h, , s] = flow.accessToken.split('.');
    const { payload } = decodeJwt(flow.accessToken);
    const body = Buffer.from(JSON.stringify({ ...payload, sub: 'someone-else' })).toString(
      'base64url',
    );
    expect(await reasonOf(`${h}.${body}.${s}`)).toBe('signature');
  });

  it('refuses another audience and another issuer', async () => {
    expect(await reasonOf(flow.accessToken, { audience: 'https://other.example' })).toBe(
      'audience',
    );
    expect(
      await reasonOf(flow.accessToken, {
        issuer: 'https://other.example',
        jwksUrl: `${server.url}/oauth/token/jwks`,
      }),
    ).toBe('issuer');
  });

  it('refuses a correctly signed token whose typ is not at+jwt (a refresh token)', async () => {
    expect(await reasonOf(flow.refreshToken)).toBe('type');
    const { kid, privateKey } = await keygatePrivateKey(server);
    const { payload } = decodeJwt(flow.accessToken);
    const jwt = signEs256({ alg: 'ES256', typ: 'JWT', kid }, payload, privateKey);
    expect(await reasonOf(jwt)).toBe('type');
  });

  it('refuses an expired token, allowing the clock tolerance', async () => {
    const { payload } = decodeJwt(flow.accessToken);
    const exp = Number(payload.exp) * 1000;
    await expect(
      verifyAccessToken(flow.accessToken, options({ now: () => exp + 29_000 })),
    ).resolves.toBeTruthy();
    expect(await reasonOf(flow.accessToken, { now: () => exp + 30_000 })).toBe('expired');
    expect(
      await reasonOf(flow.accessToken, { now: () => exp + 1000, clockToleranceSeconds: 0 }),
    ).toBe('expired');
  });

  it('refuses garbage without throwing anything but TokenInvalidError', async () => {
    for (const token of ['', 'a.b', 'a.b.c', '...', `${flow.accessToken}x!`, 'e30.e30.']) {
      expect(await reasonOf(token)).toMatch(/malformed|algorithm|signature/);
    }
  });
});
