import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUserDisabled } from '../../../server/src/core/admin/users.js';
import { findFreePort } from '../../../server/src/runtime/find_free_port.js';
import { passwordToken } from '../../../server/test/legacy/legacy_client.js';
import { get, type TestResponse } from '../../../server/test/support/http_client.js';
import {
  decodeJwt,
  keygatePrivateKey,
  signEs256,
  unsigned,
} from '../../../server/test/support/jwt_forgery.js';
import {
  codeFlowTokens,
  createClient,
  createPasswordUser,
  revokeToken,
  type TestClient,
  type TestUser,
} from '../../../server/test/support/oauth_fixtures.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
  wsseHeader,
} from '../../../server/test/support/start_test_server.js';
import { waitUntil } from '../../../server/test/support/wait_until.js';
import type { RequestAuthenticatorOptions } from '../../src/index.js';

/** A sample API protected by one adapter, listening on loopback. */
export interface ProtectedApp {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts the adapter's sample API with `options`. It must answer, behind the adapter's
 * authentication: `GET /me` with the principal as JSON, and `GET /write`, also behind the
 * adapter's `requireScopes('documents:write')`, with the principal as JSON.
 */
export type StartProtectedApp = (options: RequestAuthenticatorOptions) => Promise<ProtectedApp>;

/** The bare challenge of a request without credential (RFC 6750 §3.1). */
const BARE_CHALLENGE = 'Bearer realm="keygate"';

/** Every application started by the suite, closed after it. */
const started: ProtectedApp[] = [];

/** A loopback server answering every request with `answer` (a keygate gone wrong). */
async function fakeKeygate(answer: (res: ServerResponse) => void): Promise<Server> {
  const fake = createServer((_req, res) => answer(res));
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  return fake;
}

function urlOf(fake: Server): string {
  return `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
}

/**
 * The behaviour every keygate resource-server adapter shares (R-4), against a real keygate:
 * the three schemes, the RFC 6750 refusals, junk headers, keygate unreachable, and
 * revocation-aware Bearer checks.
 */
export function describeResourceServer(startApp: StartProtectedApp): void {
  let server: TestServer;
  let app: ProtectedApp;
  let aware: ProtectedApp;
  let alice: SeededCredential;
  let user: TestUser;
  let client: TestClient;
  let accessToken: string;

  const start = async (options: Partial<RequestAuthenticatorOptions> = {}) => {
    const protectedApp = await startApp({ issuer: server.config.issuer, ...options });
    started.push(protectedApp);
    return protectedApp;
  };
  const call = (target: ProtectedApp, headers: Record<string, string>, path = '/me') =>
    get(`${target.url}${path}`, headers);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const keygateMe = async (headers: Record<string, string>) => {
    const me = await get(`${server.url}/api/v1/me`, headers);
    expect(me.status, me.text).toBe(200);
    return me.json as { user: { id: string }; organization: { id: string } };
  };
  const expectInvalidToken = (response: TestResponse) => {
    expect(response.status, response.text).toBe(401);
    expect(response.json).toMatchObject({ error: 'invalid_token' });
    expect(response.headers['www-authenticate']).toMatch(
      /^Bearer realm="keygate", error="invalid_token", error_description="[^"]+"$/,
    );
  };

  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite' });
    alice = await seedCredential(server, 'alice', 'acme');
    user = await createPasswordUser(server, 'carol', 'acme');
    client = await createClient(server);
    accessToken = (await codeFlowTokens(server, client, user)).accessToken;
    app = await start();
    aware = await start({ revocationAware: true });
  });
  afterAll(async () => {
    await Promise.all(started.splice(0).map((protectedApp) => protectedApp.close()));
    await server?.close();
  });

  describe('each scheme sets the principal', () => {
    it('WSSE: checked by keygate, the principal keygate answers /api/v1/me with', async () => {
      const response = await call(app, { 'x-wsse': wsseHeader(server, alice) });
      expect(response.status, response.text).toBe(200);
      expect(response.json).toEqual(await keygateMe({ 'x-wsse': wsseHeader(server, alice) }));
      expect(response.json).toMatchObject({
        user: { login: 'alice' },
        organization: { name: 'acme' },
        credential: { id: alice.credentialId, key: alice.key },
        scopes: [],
        scheme: 'wsse',
      });
    });

    it('Bearer: verified locally, ids only (the token carries no names)', async () => {
      const me = await keygateMe(bearer(accessToken));
      const response = await call(app, bearer(accessToken));
      expect(response.status, response.text).toBe(200);
      expect(response.json).toEqual({
        user: { id: me.user.id },
        organization: { id: me.organization.id },
        client: { id: client.clientId },
        scopes: ['documents:read'],
        scheme: 'bearer',
      });
    });

    it('X-Auth-Token and Authorization: JWT: the legacy JWT principal', async () => {
      const { token } = await passwordToken(server, {
        username: user.login,
        password: user.password,
      });
      const schemes: Record<string, string>[] = [
        { 'x-auth-token': token },
        { authorization: `JWT ${token}` },
      ];
      for (const headers of schemes) {
        const response = await call(app, headers);
        expect(response.status, response.text).toBe(200);
        expect(response.json).toEqual(await keygateMe(headers));
        expect(response.json).toMatchObject({ user: { login: 'carol' }, scheme: 'legacy_jwt' });
      }
    });

    it("keygate's order: X-WSSE before Authorization: Bearer", async () => {
      const response = await call(app, {
        'x-wsse': wsseHeader(server, alice),
        ...bearer(accessToken),
      });
      expect(response.json).toMatchObject({ scheme: 'wsse' });
    });
  });

  describe('refusals (RFC 6750 §3)', () => {
    it('no credential: 401 with a bare Bearer challenge, no error code in it', async () => {
      const none: Record<string, string>[] = [{}, { authorization: 'Basic YTpi' }];
      for (const headers of none) {
        const response = await call(app, headers);
        expect(response.status).toBe(401);
        expect(response.headers['www-authenticate']).toBe(BARE_CHALLENGE);
        expect(response.json).toMatchObject({ error: 'authentication_required' });
      }
    });

    it('a token signed by a foreign key under keygate`s kid: 401 invalid_token', async () => {
      const { header, payload } = decodeJwt(accessToken);
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      expectInvalidToken(await call(app, bearer(signEs256(header, payload, privateKey))));
      expectInvalidToken(await call(app, bearer(`${accessToken.slice(0, -4)}AAAA`)));
      expectInvalidToken(await call(app, bearer(unsigned({ ...header, alg: 'none' }, payload))));
    });

    it('expired, wrong audience, wrong typ (signed with keygate`s own key): 401', async () => {
      const { header, payload } = decodeJwt(accessToken);
      const { privateKey } = await keygatePrivateKey(server, String(header.kid));
      const nowSeconds = Math.floor(Date.now() / 1000);
      const forged = [
        { header, payload: { ...payload, iat: nowSeconds - 7200, exp: nowSeconds - 3600 } },
        { header, payload: { ...payload, aud: 'https://other-api.example' } },
        { header: { ...header, typ: 'JWT' }, payload },
      ];
      for (const token of forged) {
        expectInvalidToken(
          await call(app, bearer(signEs256(token.header, token.payload, privateKey))),
        );
      }
      // The same key with keygate's claims verifies: the refusals are the claims'.
      expect((await call(app, bearer(signEs256(header, payload, privateKey)))).status).toBe(200);
    });

    it('a token verified before is refused once it expires (a verification is reused no longer)', async () => {
      // First verified 10 s before it expires: well inside the reuse window, so only the
      // token's own expiry can end the reuse.
      const exp = Number(decodeJwt(accessToken).payload.exp);
      let clock = (exp - 10) * 1000;
      const clocked = await start({ now: () => clock, clockToleranceSeconds: 5 });
      expect((await call(clocked, bearer(accessToken))).status).toBe(200);
      expect((await call(clocked, bearer(accessToken))).status).toBe(200);
      clock = (exp + 4) * 1000;
      expect((await call(clocked, bearer(accessToken))).status).toBe(200);
      clock = (exp + 5) * 1000;
      const expired = await call(clocked, bearer(accessToken));
      expectInvalidToken(expired);
      expect(expired.json).toMatchObject({ error_description: 'The access token has expired.' });
    });

    it('a refresh token (typ rt+jwt) is not an access token: 401', async () => {
      const { refreshToken } = await codeFlowTokens(server, client, user);
      expectInvalidToken(await call(app, bearer(refreshToken)));
    });

    it('a WSSE header keygate refuses: its 401, code and challenge passed on', async () => {
      const replayed = wsseHeader(server, alice);
      expect((await call(app, { 'x-wsse': replayed })).status).toBe(200);
      const response = await call(app, { 'x-wsse': replayed });
      expect(response.status).toBe(401);
      expect(response.json).toMatchObject({ error: 'nonce_replayed' });
      expect(response.headers['www-authenticate']).toMatch(/^WSSE realm="keygate"/);
    });

    it('a malformed Bearer header: 400 invalid_request', async () => {
      for (const authorization of ['Bearer', 'Bearer ', `Bearer ${accessToken} ${accessToken}`]) {
        const response = await call(app, { authorization });
        expect(response.status, authorization).toBe(400);
        expect(response.json).toMatchObject({ error: 'invalid_request' });
        expect(response.headers['www-authenticate']).toMatch(
          /^Bearer realm="keygate", error="invalid_request"/,
        );
      }
    });

    it('a missing scope: 403 insufficient_scope naming it; held: 200', async () => {
      const response = await call(app, bearer(accessToken), '/write');
      expect(response.status).toBe(403);
      expect(response.json).toMatchObject({ error: 'insufficient_scope' });
      expect(response.headers['www-authenticate']).toMatch(
        /^Bearer realm="keygate", error="insufficient_scope", error_description="[^"]+", scope="documents:write"$/,
      );
      const writer = await codeFlowTokens(server, client, user, {
        scope: 'documents:read documents:write',
      });
      const allowed = await call(app, bearer(writer.accessToken), '/write');
      expect(allowed.status, allowed.text).toBe(200);
      expect(allowed.json).toMatchObject({ scopes: ['documents:read', 'documents:write'] });
    });

    it('the scope check of a request without credential: 401, not 403', async () => {
      const response = await call(app, {}, '/write');
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe(BARE_CHALLENGE);
    });
  });

  describe('junk headers are refused, never a 500 and never a pass', () => {
    it('a table of malformed credentials', async () => {
      const junk: [string, string][] = [
        ['authorization', 'Bearer ..'],
        ['authorization', 'Bearer \u00ff\u00fe'],
        ['authorization', 'JWT'],
        ['authorization', 'JWT a.b.c'],
        ['authorization', `Bearer ${'A'.repeat(8000)}`],
        ['x-auth-token', ''],
        ['x-auth-token', 'not.a.jwt'],
        ['x-wsse', ''],
        ['x-wsse', 'UsernameToken Username="x"'],
        ['x-wsse', 'UsernameToken Username="\u00e9", PasswordDigest="", Nonce="", Created=""'],
      ];
      for (const [name, value] of junk) {
        const response = await request(`${app.url}/me`, { headers: { [name]: value } });
        await response.body.text();
        expect([400, 401], `${name}: ${value.slice(0, 40)}`).toContain(response.statusCode);
      }
    });

    it('the same credential header twice', async () => {
      const response = await request(`${app.url}/me`, {
        headers: ['x-wsse', wsseHeader(server, alice), 'x-wsse', wsseHeader(server, alice)],
      });
      await response.body.text();
      expect([400, 401]).toContain(response.statusCode);
    });

    it('arbitrary header values (property)', async () => {
      const names = fc.constantFrom('authorization', 'x-wsse', 'x-auth-token');
      const value = fc
        .array(fc.integer({ min: 0x20, max: 0x7e }), { maxLength: 120 })
        .map((codes) => String.fromCharCode(...codes).trim());
      const prefixed = fc.tuple(fc.constantFrom('', 'Bearer ', 'JWT ', 'UsernameToken '), value);
      await fc.assert(
        fc.asyncProperty(names, prefixed, async (name, [prefix, rest]) => {
          const response = await request(`${app.url}/me`, {
            headers: { [name]: `${prefix}${rest}` },
          });
          await response.body.text();
          return [400, 401].includes(response.statusCode);
        }),
        { numRuns: 60 },
      );
    });
  });

  describe('keygate unreachable or answering garbage: 503 with Retry-After, never a pass', () => {
    it('nothing listens at the issuer: WSSE, legacy JWT and Bearer (no JWKS) are 503', async () => {
      const closed = `http://127.0.0.1:${await findFreePort('127.0.0.1')}`;
      const offline = await start({ issuer: closed });
      const headers: Record<string, string>[] = [
        { 'x-wsse': wsseHeader(server, alice) },
        { 'x-auth-token': 'a.b.c' },
        bearer(accessToken),
      ];
      for (const sent of headers) {
        const response = await call(offline, sent);
        expect(response.status, response.text).toBe(503);
        expect(response.headers['retry-after']).toBe('5');
        expect(response.json).toMatchObject({ error: 'temporarily_unavailable' });
      }
    });

    it('a 500, a page, a redirect or a stall instead of keygate`s answer: 503', async () => {
      const fakes = await Promise.all([
        fakeKeygate((res) => res.writeHead(500).end('oops')),
        fakeKeygate((res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>ok')),
        fakeKeygate((res) =>
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"scheme":"wsse"}'),
        ),
        fakeKeygate((res) => res.writeHead(302, { location: 'http://127.0.0.1:9/' }).end()),
        fakeKeygate(() => {}),
      ]);
      try {
        for (const fake of fakes) {
          const target = await start({ issuer: urlOf(fake), timeoutMs: 300 });
          const response = await call(target, { 'x-wsse': wsseHeader(server, alice) });
          expect(response.status, urlOf(fake)).toBe(503);
          expect(response.headers['retry-after']).toBe('5');
        }
      } finally {
        for (const fake of fakes) fake.closeAllConnections();
        await Promise.all(fakes.map((fake) => new Promise((resolve) => fake.close(resolve))));
      }
    });

    it('keygate`s own 503 is passed on with its Retry-After', async () => {
      const fake = await fakeKeygate((res) =>
        res
          .writeHead(503, { 'content-type': 'application/json', 'retry-after': '7' })
          .end('{"error":"temporarily_unavailable","error_description":"store down"}'),
      );
      try {
        const target = await start({ issuer: urlOf(fake) });
        const response = await call(target, { 'x-auth-token': 'a.b.c' });
        expect(response.status).toBe(503);
        expect(response.headers['retry-after']).toBe('7');
      } finally {
        await new Promise((resolve) => fake.close(resolve));
      }
    });

    it('revocationAware with /auth/verify unreachable: a good Bearer is 503', async () => {
      const closed = `http://127.0.0.1:${await findFreePort('127.0.0.1')}/auth/verify`;
      const target = await start({
        revocationAware: true,
        fetch: (input, init) =>
          globalThis.fetch(new URL(input).pathname === '/auth/verify' ? closed : input, init),
      });
      expect((await call(app, bearer(accessToken))).status).toBe(200);
      const response = await call(target, bearer(accessToken));
      expect(response.status, response.text).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
    });
  });

  describe('revocationAware: revocation and disablement win within 5 s (R-3)', () => {
    it('a revoked token family stops the access token; without the option it still passes', async () => {
      const tokens = await codeFlowTokens(server, client, user);
      expect((await call(aware, bearer(tokens.accessToken))).status).toBe(200);
      const revoked = await revokeToken(server, client, tokens.refreshToken);
      expect(revoked.status).toBe(200);
      const refused = await waitUntil(
        'the revoked token to be refused',
        async () => {
          const response = await call(aware, bearer(tokens.accessToken));
          return response.status === 401 && response;
        },
        { deadlineMs: 5_000 },
      );
      expectInvalidToken(refused);
      expect((await call(app, bearer(tokens.accessToken))).status).toBe(200);
    });

    it('a disabled user stops their access token', async () => {
      const dave = await createPasswordUser(server, 'dave', 'acme');
      const tokens = await codeFlowTokens(server, client, dave);
      expect((await call(aware, bearer(tokens.accessToken))).status).toBe(200);
      await setUserDisabled(server, 'dave', true);
      // keygate's own check window runs on its (frozen) clock: step past it.
      server.clock.advance(2_100);
      await waitUntil(
        'the disabled user`s token to be refused',
        async () => (await call(aware, bearer(tokens.accessToken))).status === 401,
        { deadlineMs: 5_000 },
      );
    });
  });
}
