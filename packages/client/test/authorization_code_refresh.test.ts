import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authorizeThroughForms } from '../../server/test/support/form_browser.js';
import {
  createClient,
  createPasswordUser,
  type TestClient,
  type TestUser,
} from '../../server/test/support/oauth_fixtures.js';
import { countRequests, type RequestCounter } from '../../server/test/support/request_counter.js';
import { startTestServer, type TestServer } from '../../server/test/support/start_test_server.js';
import { postToken } from '../../server/test/support/token_client.js';
import {
  type AuthorizationCodeAuth,
  authorizationCode,
  createKeygateClient,
  type KeygateClient,
  memoryTokenStorage,
  SessionExpiredError,
  type TokenStorage,
} from '../src/index.js';

/**
 * Issue 4 acceptance 3 and 5 (C-4): an expired access token is refreshed once for 20
 * concurrent calls (single flight), counted at the server; when the refresh token is expired
 * or refused too, the SDK throws SessionExpiredError and stops sending requests.
 */
const ACCESS_LIFETIME_MS = 3_600_000;
const REFRESH_LIFETIME_MS = 432_000_000;

let server: TestServer;
let requests: RequestCounter;
let oauthClient: TestClient;
let user: TestUser;
beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  requests = countRequests(server);
  oauthClient = await createClient(server, { redirectUris: ['http://127.0.0.1:9/cb'] });
  user = await createPasswordUser(server, 'carol', 'acme');
});
afterAll(() => server.close());

let storage: TokenStorage;
let auth: AuthorizationCodeAuth;
let client: KeygateClient;
beforeEach(async () => {
  server.clock.set(Date.now());
  storage = memoryTokenStorage();
  auth = authorizationCode({
    clientId: oauthClient.clientId,
    clientSecret: oauthClient.clientSecret ?? '',
    redirectUri: oauthClient.redirectUri,
    scope: 'documents:read',
    storage,
  });
  client = createKeygateClient({ baseUrl: server.url, auth, now: server.clock.now });
  const { redirect } = await authorizeThroughForms(await auth.authorizationUrl(), user);
  await auth.handleRedirect(redirect);
  requests.reset();
});

function twentyCalls() {
  return Promise.allSettled(
    Array.from({ length: 20 }, () => client.json<{ user: { login: string } }>('GET', '/api/v1/me')),
  );
}

describe('single-flight refresh (acceptance 3)', () => {
  it('20 concurrent calls with an expired access token: one refresh request, 20 successes', async () => {
    const before = await auth.tokens();
    server.clock.advance(ACCESS_LIFETIME_MS + 1000);
    const results = await twentyCalls();

    expect(results.map((r) => r.status)).toEqual(Array(20).fill('fulfilled'));
    for (const r of results) {
      if (r.status === 'fulfilled') expect(r.value.user.login).toBe('carol');
    }
    expect(requests.count('POST', '/oauth/token')).toBe(1);
    expect(requests.count('GET', '/api/v1/me')).toBe(20);
    const after = await auth.tokens();
    expect(after?.refreshToken).not.toBe(before?.refreshToken);
    expect(after?.accessTokenExpiresAt).toBeGreaterThan(Math.floor(server.clock.now() / 1000));
  });

  it('20 concurrent 401s for a revoked access token: one refresh, every call retried once', async () => {
    const tokens = await auth.tokens();
    const revoked = await postToken(
      server,
      {
        token: tokens?.accessToken ?? '',
        client_id: oauthClient.clientId,
        client_secret: oauthClient.clientSecret ?? '',
      },
      { path: '/oauth/revoke' },
    );
    expect(revoked.status).toBe(200);
    requests.reset();
    const results = await twentyCalls();

    expect(results.map((r) => r.status)).toEqual(Array(20).fill('fulfilled'));
    expect(requests.count('POST', '/oauth/token')).toBe(1);
    expect(requests.count('GET', '/api/v1/me')).toBe(40);
  });

  it('the refreshed tokens are persisted through the TokenStorage', async () => {
    server.clock.advance(ACCESS_LIFETIME_MS);
    await client.request('GET', '/api/v1/me');
    const stored = JSON.parse(String(await storage.get('tokens')));
    expect(stored.accessTokenExpiresAt * 1000).toBeGreaterThan(server.clock.now());
    // A second client on the same storage uses them without refreshing again.
    const again = createKeygateClient({
      baseUrl: server.url,
      auth: authorizationCode({
        clientId: oauthClient.clientId,
        clientSecret: oauthClient.clientSecret ?? '',
        redirectUri: oauthClient.redirectUri,
        scope: 'documents:read',
        storage,
      }),
      now: server.clock.now,
    });
    requests.reset();
    await again.request('GET', '/api/v1/me');
    expect(requests.count('POST', '/oauth/token')).toBe(0);
  });
});

describe('session expired (acceptance 5)', () => {
  it('both tokens expired: SessionExpiredError for all 20 callers and no request at all', async () => {
    server.clock.advance(REFRESH_LIFETIME_MS + 1000);
    const results = await twentyCalls();

    for (const r of results) {
      expect(r.status).toBe('rejected');
      if (r.status === 'rejected') {
        expect(r.reason).toBeInstanceOf(SessionExpiredError);
        expect(r.reason.code).toBe('session_expired');
      }
    }
    expect(requests.seen).toEqual([]);
    expect(await auth.tokens()).toBeNull();
    // Later calls fail the same way, still without a request.
    await expect(client.request('GET', '/api/v1/me')).rejects.toBeInstanceOf(SessionExpiredError);
    expect(requests.seen).toEqual([]);
  });

  it('refresh token refused by the server: one refresh attempt, then SessionExpiredError, no loop', async () => {
    const tokens = await auth.tokens();
    // Revoking the refresh token revokes its family: the access token dies with it.
    const revoked = await postToken(
      server,
      {
        token: tokens?.refreshToken ?? '',
        client_id: oauthClient.clientId,
        client_secret: oauthClient.clientSecret ?? '',
      },
      { path: '/oauth/revoke' },
    );
    expect(revoked.status).toBe(200);
    requests.reset();

    const error = await client.request('GET', '/api/v1/me').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionExpiredError);
    expect((error as SessionExpiredError).cause).toMatchObject({ error: 'invalid_grant' });
    expect(requests.seen).toEqual([
      { method: 'GET', path: '/api/v1/me' },
      { method: 'POST', path: '/oauth/token' },
    ]);
    await expect(client.request('GET', '/api/v1/me')).rejects.toBeInstanceOf(SessionExpiredError);
    expect(requests.seen).toHaveLength(2);
  });
});
