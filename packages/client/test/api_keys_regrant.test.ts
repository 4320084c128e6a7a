import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setUserDisabled } from '../../server/src/core/admin/users.js';
import { createClient, type TestClient } from '../../server/test/support/oauth_fixtures.js';
import { countRequests, type RequestCounter } from '../../server/test/support/request_counter.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
} from '../../server/test/support/start_test_server.js';
import { postToken } from '../../server/test/support/token_client.js';
import {
  type ApiKeysAuth,
  apiKeys,
  createKeygateClient,
  type FetchLike,
  type KeygateClient,
  KeygateHttpError,
  OAuthError,
} from '../src/index.js';

/**
 * Issue 4 acceptance 4 (C-3): `apiKeys` runs the grant again when its token is within 5 s of
 * expiry (server and SDK share one frozen clock), and once, not in a loop, on a 401.
 */
const ACCESS_LIFETIME_S = 3600;

let server: TestServer;
let requests: RequestCounter;
let credential: SeededCredential;
let oauthClient: TestClient;
beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  requests = countRequests(server);
  credential = await seedCredential(server, 'robot', 'acme');
  oauthClient = await createClient(server, {
    name: 'Headless',
    redirectUris: [],
    grantTypes: ['api_keys'],
  });
});
afterAll(() => server.close());

let auth: ApiKeysAuth;
let client: KeygateClient;
function build(fetchImpl?: FetchLike) {
  auth = apiKeys({
    clientId: oauthClient.clientId,
    clientSecret: oauthClient.clientSecret ?? '',
    key: credential.key,
    secret: credential.secret,
  });
  client = createKeygateClient({
    baseUrl: server.url,
    auth,
    now: server.clock.now,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
}
beforeEach(() => {
  // A whole second, so "5 s before expiry" is exact on both sides.
  server.clock.set(Math.floor(Date.now() / 1000) * 1000);
  build();
  requests.reset();
});

function revoke(token: string) {
  return postToken(
    server,
    {
      token,
      client_id: oauthClient.clientId,
      client_secret: oauthClient.clientSecret ?? '',
    },
    { path: '/oauth/revoke' },
  );
}

describe('re-running the api_keys grant', () => {
  it('keeps the token until 6 s before expiry and re-runs the grant at 5 s', async () => {
    await client.request('GET', '/api/v1/me');
    expect(requests.count('POST', '/oauth/token')).toBe(1);

    server.clock.advance((ACCESS_LIFETIME_S - 6) * 1000);
    await client.request('GET', '/api/v1/me');
    expect(requests.count('POST', '/oauth/token')).toBe(1);

    server.clock.advance(1000);
    await client.request('GET', '/api/v1/me');
    expect(requests.count('POST', '/oauth/token')).toBe(2);
    expect(requests.count('GET', '/api/v1/me')).toBe(3);
  });

  it('20 concurrent calls with no token yet share one grant', async () => {
    await Promise.all(Array.from({ length: 20 }, () => client.request('GET', '/api/v1/me')));
    expect(requests.count('POST', '/oauth/token')).toBe(1);
    expect(requests.count('GET', '/api/v1/me')).toBe(20);
  });

  it('re-runs the grant once on a 401 (a revoked token) and the retry succeeds', async () => {
    const granted = await auth.grant(client.context);
    expect((await revoke(granted.access_token)).status).toBe(200);
    requests.reset();

    const me = await client.json<{ user: { login: string } }>('GET', '/api/v1/me');
    expect(me.user.login).toBe('robot');
    expect(requests.seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/v1/me',
      'POST /oauth/token',
      'GET /api/v1/me',
    ]);
  });

  it('a server that keeps answering 401: one re-grant, one retry, then KeygateHttpError', async () => {
    // Every token the server issues is revoked before the SDK sees it.
    build(async (url, init) => {
      const response = await fetch(url, init);
      if (url.endsWith('/oauth/token') && response.ok) {
        const body = (await response.clone().json()) as { access_token: string };
        await revoke(body.access_token);
      }
      return response;
    });
    requests.reset();

    const error = await client.request('GET', '/api/v1/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeygateHttpError);
    expect(error).toMatchObject({ status: 401, error: 'invalid_token' });
    expect(requests.count('POST', '/oauth/token')).toBe(2);
    expect(requests.count('GET', '/api/v1/me')).toBe(2);
  });

  it('a disabled user: the 401 leads to one grant attempt, refused as OAuthError invalid_grant', async () => {
    await client.request('GET', '/api/v1/me');
    await setUserDisabled(server, 'robot', true);
    // R-3 lets the server see a disablement made outside its HTTP routes up to 5 s later.
    server.clock.advance(5000);
    try {
      requests.reset();
      const error = await client.request('GET', '/api/v1/me').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OAuthError);
      expect(error).toMatchObject({ code: 'oauth_error', error: 'invalid_grant', status: 400 });
      expect(requests.seen.map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /api/v1/me',
        'POST /oauth/token',
      ]);
    } finally {
      await setUserDisabled(server, 'robot', false);
    }
  });

  it('sends the grant as Penneo’s Node example does: JSON with key, nonce, created_at, digest', async () => {
    let body: Record<string, string> = {};
    let contentType: string | null = null;
    build(async (url, init) => {
      if (url.endsWith('/oauth/token')) {
        body = JSON.parse(String(init?.body));
        contentType = new Headers(init?.headers).get('content-type');
      }
      return fetch(url, init);
    });
    await client.request('GET', '/api/v1/me');
    expect(contentType).toBe('application/json');
    expect(Object.keys(body).sort()).toEqual(
      ['client_id', 'client_secret', 'created_at', 'digest', 'grant_type', 'key', 'nonce'].sort(),
    );
    expect(body.grant_type).toBe('api_keys');
    expect(body.key).toBe(credential.key);
    expect(JSON.stringify(body)).not.toContain(credential.secret);
  });
});
