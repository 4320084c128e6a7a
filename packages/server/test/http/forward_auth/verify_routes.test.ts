import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityHeaders } from '../../../src/http/forward_auth/identity_headers.js';
import { passwordToken } from '../../legacy/legacy_client.js';
import { get } from '../../support/http_client.js';
import {
  codeFlowTokens,
  createClient,
  createPasswordUser,
  type TestClient,
  type TestUser,
} from '../../support/oauth_fixtures.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
  wsseHeader,
} from '../../support/start_test_server.js';

/**
 * Forward auth (R-2): `/auth/verify` answers as `/api/*` does for every scheme, with the
 * principal as identity headers, for any method a proxy sends; `/auth/verify/nginx` shapes its
 * refusals for nginx `auth_request`.
 */
let server: TestServer;
let alice: SeededCredential;
let user: TestUser;
let client: TestClient;
let accessToken: string;
let legacyJwt: string;

beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  alice = await seedCredential(server, 'alice', 'Müller & Söhne GmbH');
  user = await createPasswordUser(server);
  client = await createClient(server);
  accessToken = (await codeFlowTokens(server, client, user)).accessToken;
  legacyJwt = (await passwordToken(server, { username: user.login, password: user.password }))
    .token;
});
afterAll(() => server.close());

const verify = (headers: Record<string, string>, path = '/auth/verify') =>
  get(`${server.url}${path}`, headers);

describe('a good credential of each scheme', () => {
  it('WSSE: 200, the principal as headers (and asked for, as the /api/v1/me body), never cached', async () => {
    const bare = await verify({ 'x-wsse': wsseHeader(server, alice) });
    expect(bare.status).toBe(200);
    expect(bare.headers['content-length']).toBe('0');
    expect(bare.headers['x-keygate-scheme']).toBe('wsse');
    const response = await verify(
      { 'x-wsse': wsseHeader(server, alice) },
      '/auth/verify?principal=json',
    );
    expect(response.status, response.text).toBe(200);
    const me = await get(`${server.url}/api/v1/me`, { 'x-wsse': wsseHeader(server, alice) });
    expect(response.json).toEqual(me.json);
    const principal = response.json as {
      user: { id: string };
      organization: { id: string };
      credential: { id: string };
    };
    expect(response.headers).toMatchObject({
      'x-keygate-user': principal.user.id,
      'x-keygate-user-login': 'alice',
      'x-keygate-organization': principal.organization.id,
      'x-keygate-organization-name': 'M%C3%BCller%20&%20S%C3%B6hne%20GmbH',
      'x-keygate-credential': alice.credentialId,
      'x-keygate-scheme': 'wsse',
      'cache-control': 'no-store',
    });
    expect(response.headers['x-keygate-client']).toBe('');
    expect(decodeURIComponent(String(response.headers['x-keygate-organization-name']))).toBe(
      'Müller & Söhne GmbH',
    );
  });

  it('Bearer: the client and the granted scopes', async () => {
    const response = await verify({ authorization: `Bearer ${accessToken}` });
    expect(response.status, response.text).toBe(200);
    expect(response.headers).toMatchObject({
      'x-keygate-user-login': user.login,
      'x-keygate-client': client.clientId,
      'x-keygate-scopes': 'documents:read',
      'x-keygate-scheme': 'bearer',
    });
  });

  it('X-Auth-Token and Authorization: JWT: scheme legacy_jwt', async () => {
    const schemes: Record<string, string>[] = [
      { 'x-auth-token': legacyJwt },
      { authorization: `JWT ${legacyJwt}` },
    ];
    for (const headers of schemes) {
      const response = await verify(headers);
      expect(response.status, response.text).toBe(200);
      expect(response.headers).toMatchObject({
        'x-keygate-user-login': user.login,
        'x-keygate-scheme': 'legacy_jwt',
      });
    }
  });

  it('any method a proxy copies, with any request body, is checked the same way', async () => {
    for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const) {
      const response = await request(`${server.url}/auth/verify`, {
        method,
        headers: {
          authorization: `Bearer ${accessToken}`,
          ...(method === 'GET' || method === 'HEAD'
            ? {}
            : { 'content-type': 'application/x-protobuf' }),
        },
        body: method === 'GET' || method === 'HEAD' ? undefined : Buffer.from([0, 159, 255]),
      });
      await response.body.text();
      expect(response.statusCode, method).toBe(200);
      expect(response.headers['x-keygate-scheme'], method).toBe('bearer');
    }
  });

  it('Envoy: the client path after /auth/verify/envoy/ is checked the same way', async () => {
    const response = await verify(
      { authorization: `Bearer ${accessToken}` },
      '/auth/verify/envoy/orders/42?page=2',
    );
    expect(response.status, response.text).toBe(200);
    expect(response.headers['x-keygate-scheme']).toBe('bearer');
    expect((await verify({}, '/auth/verify/envoy/orders/42')).status).toBe(401);
  });

  it('headers a client sent itself are not echoed: identity comes from the credential', async () => {
    const response = await verify({
      authorization: `Bearer ${accessToken}`,
      'x-keygate-user': 'admin',
      'x-keygate-scopes': 'admin:all',
    });
    expect(response.headers['x-keygate-user']).not.toBe('admin');
    expect(response.headers['x-keygate-scopes']).toBe('documents:read');
  });
});

describe('refusals', () => {
  it('no credential: 401 with every challenge and the JSON body', async () => {
    const response = await verify({});
    expect(response.status).toBe(401);
    expect(response.json).toMatchObject({ error: 'authentication_required' });
    const challenges = [response.headers['www-authenticate']].flat().join(', ');
    expect(challenges).toMatch(/^WSSE .*Bearer .*JWT /);
  });

  it('a replayed WSSE header: the second check is 401 nonce_replayed (W-6)', async () => {
    const header = wsseHeader(server, alice);
    expect((await verify({ 'x-wsse': header })).status).toBe(200);
    const replayed = await verify({ 'x-wsse': header });
    expect(replayed.status).toBe(401);
    expect(replayed.json).toMatchObject({ error: 'nonce_replayed' });
  });

  it('a bad Bearer token: 401 invalid_token with its RFC 6750 challenge', async () => {
    const response = await verify({ authorization: `Bearer ${accessToken}x` });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
  });

  it('nginx: one WWW-Authenticate line, the code in X-Keygate-Error', async () => {
    const response = await verify({}, '/auth/verify/nginx');
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^WSSE .*, Bearer .*, JWT /);
    expect(response.headers['x-keygate-error']).toBe('authentication_required');
    expect(response.headers['x-keygate-status']).toBeUndefined();
  });

  it('nginx: a 200 carries the identity headers and no body, so nginx keeps the connection', async () => {
    const response = await verify({ authorization: `Bearer ${accessToken}` }, '/auth/verify/nginx');
    expect(response.status).toBe(200);
    expect(response.headers['x-keygate-scheme']).toBe('bearer');
    expect(response.headers['content-length']).toBe('0');
    expect(response.text).toBe('');
  });

  it('nginx: a 4xx nginx would turn into 500 is sent as 401 with the real status', async () => {
    const response = await request(`${server.url}/auth/verify/nginx`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-wsse': wsseHeader(server, alice) },
      body: Buffer.alloc(65 * 1024),
    });
    await response.body.text();
    expect(response.statusCode).toBe(401);
    expect(response.headers['x-keygate-status']).toBe('413');
  });
});

describe('identity header values', () => {
  it('percent-encode what cannot stand in a header, so no value splits or breaks one', () => {
    const headers = identityHeaders({
      user: { id: 'u-1', login: 'bob@example.com' },
      organization: { id: 'o-1', name: 'Evil\r\nX-Keygate-User: admin %41 \ud800' },
      scopes: ['documents:read', 'profile'],
      scheme: 'bearer',
      client: { id: 'cl-1' },
    });
    expect(headers).toEqual({
      'x-keygate-user': 'u-1',
      'x-keygate-user-login': 'bob@example.com',
      'x-keygate-organization': 'o-1',
      'x-keygate-organization-name': 'Evil%0D%0AX-Keygate-User:%20admin%20%2541%20%EF%BF%BD',
      'x-keygate-client': 'cl-1',
      'x-keygate-credential': '',
      'x-keygate-scopes': 'documents:read profile',
      'x-keygate-scheme': 'bearer',
    });
    for (const value of Object.values(headers)) expect(value).toMatch(/^[\x20-\x7e]*$/);
  });
});

describe('the log', () => {
  it('names the request a proxy asked about, without its query, and no credential', async () => {
    const lines: string[] = [];
    const logged = await startTestServer({ store: 'sqlite', logLines: lines });
    try {
      const bob = await seedCredential(logged, 'bob');
      const header = wsseHeader(logged, bob);
      const ask = (headers: Record<string, string>) =>
        get(`${logged.url}/auth/verify/nginx`, {
          'x-original-method': 'POST',
          'x-original-uri': '/orders/42?access_token=leaked-in-query',
          ...headers,
        });
      expect((await ask({ 'x-wsse': header })).status).toBe(200);
      expect((await ask({ 'x-wsse': header })).status).toBe(401);
      const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const forwarded = { method: 'POST', path: '/orders/42', host: null, protocol: null };
      expect(events).toContainEqual(
        expect.objectContaining({ event: 'forward_auth.allowed', scheme: 'wsse', forwarded }),
      );
      expect(events).toContainEqual(
        expect.objectContaining({ event: 'request.refused', code: 'nonce_replayed', forwarded }),
      );
      const all = lines.join('\n');
      expect(all).not.toContain('leaked-in-query');
      expect(all).not.toContain(header);
      expect(all).not.toContain(bob.secret);
    } finally {
      await logged.close();
    }
  });
});
