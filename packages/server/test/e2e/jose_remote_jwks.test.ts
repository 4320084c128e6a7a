import { createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, type JWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, type TestResponse } from '../support/http_client.js';
import {
  decodeJwt,
  keygatePrivateKey,
  signEs256,
  signHs256,
  unsigned,
} from '../support/jwt_forgery.js';
import {
  codeFlowTokens,
  createClient,
  createPasswordUser,
  type FlowTokens,
  type TestClient,
  type TestUser,
} from '../support/oauth_fixtures.js';
import { type RedirectReceiver, startRedirectReceiver } from '../support/redirect_receiver.js';
import { startTestServer, type TestServer } from '../support/start_test_server.js';
import { postToken } from '../support/token_client.js';

/**
 * Issue acceptance 3, first half (O-10, O-11, R-1): resource servers verify keygate's access
 * tokens with jose's remote JWKS; keygate's own Bearer check refuses every classic forgery.
 */

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth', 'r', 't'];

let server: TestServer;
let user: TestUser;
let codeClient: TestClient;
let flow: FlowTokens;
let serviceToken: string;
let serviceClient: TestClient;
let attacker: RedirectReceiver;

function verifyOptions() {
  return {
    issuer: server.config.issuer,
    audience: server.config.oauth.audience,
    typ: 'at+jwt',
    algorithms: ['ES256'],
  };
}

function nowSeconds(): number {
  return Math.floor(server.clock.now() / 1000);
}

function bearerMe(token: string): Promise<TestResponse> {
  return get(`${server.url}/api/v1/me`, { authorization: `Bearer ${token}` });
}

/** 401, `invalid_token` in the body and in the Bearer challenge (RFC 6750 §3.1). */
async function expectInvalidToken(token: string, what: string): Promise<void> {
  const response = await bearerMe(token);
  expect(response.status, what).toBe(401);
  expect(response.json, what).toMatchObject({ error: 'invalid_token' });
  expect(String(response.headers['www-authenticate']), what).toMatch(
    /^Bearer .*error="invalid_token"/,
  );
}

describe('access tokens verified with jose and a remote JWKS', () => {
  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite' });
    // jose checks iat/exp against the real clock.
    server.clock.set(Date.now());
    user = await createPasswordUser(server);
    codeClient = await createClient(server);
    flow = await codeFlowTokens(server, codeClient, user);
    serviceClient = await createClient(server, {
      grantTypes: ['client_credentials'],
      redirectUris: [],
      scopes: ['reports:read'],
    });
    const issued = await postToken(
      server,
      { grant_type: 'client_credentials', scope: 'reports:read' },
      { basic: { id: serviceClient.clientId, secret: serviceClient.clientSecret ?? '' } },
    );
    if (issued.status !== 200) throw new Error(`client_credentials failed: ${issued.text}`);
    serviceToken = String((issued.json as Record<string, unknown>).access_token);
    attacker = await startRedirectReceiver();
  });
  afterAll(async () => {
    await attacker?.close();
    await server?.close();
  });

  it('accepts an access token from the authorization code flow', async () => {
    const jwks = createRemoteJWKSet(new URL(`${server.url}/oauth/token/jwks`));
    const { payload, protectedHeader } = await jwtVerify(flow.accessToken, jwks, verifyOptions());
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(protectedHeader.kid).toBeTypeOf('string');
    const stored = await server.store.users.findByLogin(user.login);
    const organization = await server.store.organizations.findByName(user.organization);
    expect(payload).toMatchObject({
      iss: server.config.issuer,
      sub: stored?.id,
      aud: server.config.oauth.audience,
      client_id: codeClient.clientId,
      scope: 'documents:read',
      org: organization?.id,
    });
    expect(payload.jti).toBeTypeOf('string');
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);
  });

  it('accepts an access token from the client_credentials grant (and /.well-known/jwks.json serves the same keys)', async () => {
    const jwks = createRemoteJWKSet(new URL(`${server.url}/oauth/token/jwks`));
    const { payload } = await jwtVerify(serviceToken, jwks, verifyOptions());
    expect(payload).toMatchObject({
      sub: serviceClient.clientId,
      client_id: serviceClient.clientId,
      scope: 'reports:read',
    });
    expect(payload.org).toBeUndefined();
    const wellKnown = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
    await expect(jwtVerify(serviceToken, wellKnown, verifyOptions())).resolves.toBeTruthy();
    const me = await bearerMe(serviceToken);
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({
      user: null,
      client: { id: serviceClient.clientId },
      scheme: 'bearer',
    });
  });

  it('publishes only public key material, identically at both JWKS addresses', async () => {
    const a = await get(`${server.url}/oauth/token/jwks`);
    const b = await get(`${server.url}/.well-known/jwks.json`);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.json).toEqual(a.json);
    const keys = (a.json as { keys: JWK[] }).keys;
    expect(keys.length).toBeGreaterThanOrEqual(1);
    for (const key of [...keys, ...(b.json as { keys: JWK[] }).keys]) {
      for (const member of PRIVATE_MEMBERS) expect(key, member).not.toHaveProperty(member);
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    }
    expect(keys.map((k) => k.kid)).toContain(decodeProtectedHeader(flow.accessToken).kid);
  });

  describe('forged Bearer tokens on /api/v1/me', () => {
    let kid: string;
    let keygateKey: KeyObject;
    let publicJwk: JWK;
    let claims: Record<string, unknown>;
    const foreign = generateKeyPairSync('ec', { namedCurve: 'P-256' });

    beforeAll(async () => {
      kid = String(decodeProtectedHeader(flow.accessToken).kid);
      ({ privateKey: keygateKey } = await keygatePrivateKey(server, kid));
      const jwks = (await get(`${server.url}/oauth/token/jwks`)).json as { keys: JWK[] };
      const found = jwks.keys.find((k) => k.kid === kid);
      if (!found) throw new Error('signing key not published');
      publicJwk = found;
      claims = { ...decodeJwt(flow.accessToken).payload };
    });

    const header = (extra: Record<string, unknown> = {}) => ({
      alg: 'ES256',
      typ: 'at+jwt',
      kid,
      ...extra,
    });

    it('controls: the real token and a re-signed copy with a clean header both work', async () => {
      expect((await bearerMe(flow.accessToken)).status).toBe(200);
      const copy = signEs256(header(), claims, keygateKey);
      expect(copy).not.toBe(flow.accessToken);
      const me = await bearerMe(copy);
      expect(me.status).toBe(200);
      expect(me.json).toMatchObject({ user: { login: user.login }, scheme: 'bearer' });
    });

    it('alg none (any spelling, with or without the real signature)', async () => {
      const realSignature = flow.accessToken.split('.')[2] ?? '';
      for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
        const token = unsigned({ ...header(), alg }, claims);
        await expectInvalidToken(token, `alg ${alg}`);
        await expectInvalidToken(`${token}${realSignature}`, `alg ${alg} + real signature`);
      }
      await expectInvalidToken(unsigned({ typ: 'at+jwt', kid }, claims), 'no alg');
    });

    it('HS256 keyed with the public key (JWK JSON, x coordinate bytes, PEM, DER)', async () => {
      const { kty, crv, x, y } = publicJwk;
      const spki = createPublicKey({ key: publicJwk as JsonWebKey, format: 'jwk' });
      const secrets: Record<string, Buffer | string> = {
        'published JWK JSON': JSON.stringify(publicJwk),
        'minimal JWK JSON': JSON.stringify({ kty, crv, x, y }),
        'thumbprint-order JWK JSON': JSON.stringify({ crv, kty, x, y }),
        'x coordinate bytes': Buffer.from(String(x), 'base64url'),
        'x coordinate base64url text': String(x),
        'SPKI PEM': spki.export({ type: 'spki', format: 'pem' }),
        'SPKI DER': spki.export({ type: 'spki', format: 'der' }),
      };
      for (const [name, secret] of Object.entries(secrets)) {
        await expectInvalidToken(signHs256({ ...header(), alg: 'HS256' }, claims, secret), name);
      }
    });

    it("a foreign ES256 key: with keygate's kid, an unknown kid, no kid", async () => {
      await expectInvalidToken(signEs256(header(), claims, foreign.privateKey), "keygate's kid");
      await expectInvalidToken(
        signEs256(header({ kid: 'attacker-key-1' }), claims, foreign.privateKey),
        'unknown kid',
      );
      const { kid: _omit, ...noKid } = header();
      await expectInvalidToken(signEs256(noKid, claims, foreign.privateKey), 'no kid');
    });

    it('a foreign key offered through jwk / jku / x5u / x5c headers is never used nor fetched', async () => {
      const foreignJwk = foreign.publicKey.export({ format: 'jwk' });
      const attackerJwks = attacker.uri('/jwks.json');
      const variants: Record<string, Record<string, unknown>> = {
        'embedded jwk, keygate kid': header({ jwk: foreignJwk }),
        'embedded jwk, own kid': header({
          kid: 'attacker',
          jwk: { ...foreignJwk, kid: 'attacker' },
        }),
        'jku, keygate kid': header({ jku: attackerJwks }),
        'jku, own kid': header({ kid: 'attacker', jku: attackerJwks }),
        x5u: header({ kid: 'attacker', x5u: attacker.uri('/cert.pem') }),
        x5c: header({ kid: 'attacker', x5c: ['MIIB'] }),
      };
      for (const [name, h] of Object.entries(variants)) {
        await expectInvalidToken(signEs256(h, claims, foreign.privateKey), name);
      }
      expect(attacker.received).toEqual([]);
    });

    it('a token signed by keygate itself but carrying jku / jwk / x5u / x5c / crit headers', async () => {
      const variants: Record<string, Record<string, unknown>> = {
        jku: header({ jku: `${server.url}/oauth/token/jwks` }),
        jwk: header({
          jwk: { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y },
        }),
        x5u: header({ x5u: `${server.url}/cert.pem` }),
        x5c: header({ x5c: [] }),
        crit: header({ crit: ['exp'] }),
      };
      for (const [name, h] of Object.entries(variants)) {
        await expectInvalidToken(signEs256(h, claims, keygateKey), name);
      }
    });

    it('a token signed by keygate with the wrong typ', async () => {
      for (const typ of ['JWT', 'jwt', 'rt+jwt', 'legacy+jwt', 'application/jwt', 'at+jwt ']) {
        await expectInvalidToken(signEs256(header({ typ }), claims, keygateKey), `typ ${typ}`);
      }
      const { typ: _omit, ...noTyp } = header();
      await expectInvalidToken(signEs256(noTyp, claims, keygateKey), 'no typ');
      // keygate's real refresh token (typ rt+jwt, same keys) is not an access token.
      await expectInvalidToken(flow.refreshToken, 'refresh token as Bearer');
    });

    it('a token signed by keygate with the wrong aud or iss', async () => {
      const bad: Record<string, Record<string, unknown>> = {
        'foreign aud': { aud: 'https://api.example.com' },
        'aud list without ours': { aud: ['https://api.example.com', 'https://other.example'] },
        'aud with trailing slash': { aud: `${server.config.oauth.audience}/` },
        'no aud': { aud: undefined },
        'foreign iss': { iss: 'https://evil.example' },
        'iss with trailing slash': { iss: `${server.config.issuer}/` },
        'no iss': { iss: undefined },
      };
      for (const [name, change] of Object.entries(bad)) {
        const token = signEs256(
          header(),
          JSON.parse(JSON.stringify({ ...claims, ...change })),
          keygateKey,
        );
        await expectInvalidToken(token, name);
      }
      // An aud list that includes keygate's audience is fine (RFC 7519 §4.1.3).
      const listed = signEs256(
        header(),
        { ...claims, aud: ['https://api.example.com', server.config.oauth.audience] },
        keygateKey,
      );
      expect((await bearerMe(listed)).status).toBe(200);
    });

    it('an expired token: forged with a past exp, and the real one once the clock passes exp', async () => {
      const now = nowSeconds();
      await expectInvalidToken(
        signEs256(header(), { ...claims, iat: now - 3601, exp: now - 1 }, keygateKey),
        'exp one second ago',
      );
      await expectInvalidToken(
        signEs256(header(), { ...claims, iat: now - 3600, exp: now }, keygateKey),
        'exp == now',
      );
      await expectInvalidToken(
        signEs256(header(), { ...claims, exp: undefined }, keygateKey),
        'no exp',
      );

      const exp = Number(claims.exp);
      const started = server.clock.now();
      try {
        server.clock.set((exp - 1) * 1000);
        expect((await bearerMe(flow.accessToken)).status, 'one second before exp').toBe(200);
        server.clock.set(exp * 1000);
        await expectInvalidToken(flow.accessToken, 'real token at exp');
        server.clock.set((exp + 3600) * 1000);
        await expectInvalidToken(flow.accessToken, 'real token an hour after exp');
      } finally {
        server.clock.set(started);
      }
      expect((await bearerMe(flow.accessToken)).status).toBe(200);
    });
  });
});
