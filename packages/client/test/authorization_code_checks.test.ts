import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeThroughForms } from '../../server/test/support/form_browser.js';
import {
  createClient,
  createPasswordUser,
  type TestClient,
  type TestUser,
} from '../../server/test/support/oauth_fixtures.js';
import { countRequests, type RequestCounter } from '../../server/test/support/request_counter.js';
import { startTestServer, type TestServer } from '../../server/test/support/start_test_server.js';
import {
  authorizationCode,
  codeChallengeS256,
  createKeygateClient,
  generatePkce,
  memoryTokenStorage,
  OAuthError,
  StateMismatchError,
} from '../src/index.js';

/**
 * The authorization code strategy's own checks (C-4, O-3): PKCE S256 is computed correctly
 * and the verifier sent at the exchange matches the challenge sent to /authorize; a redirect
 * with a foreign, missing or replayed `state` is refused before any code is exchanged; an
 * `error` in the redirect becomes an OAuthError (the `iss` checks: authorization_code_issuer).
 */
let server: TestServer;
let requests: RequestCounter;
let oauthClient: TestClient;
let user: TestUser;
beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  server.clock.set(Date.now());
  requests = countRequests(server);
  oauthClient = await createClient(server, { redirectUris: ['http://127.0.0.1:9/cb'] });
  user = await createPasswordUser(server);
});
afterAll(() => server.close());

function setup(fetchImpl?: typeof fetch) {
  const storage = memoryTokenStorage();
  const auth = authorizationCode({
    clientId: oauthClient.clientId,
    clientSecret: oauthClient.clientSecret ?? '',
    redirectUri: oauthClient.redirectUri,
    scope: 'documents:read',
    storage,
  });
  createKeygateClient({
    baseUrl: server.url,
    auth,
    now: server.clock.now,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  return { auth, storage };
}

describe('PKCE S256', () => {
  it('is BASE64URL(SHA256(verifier)) for random verifiers (RFC 7636 §4.2)', async () => {
    for (let i = 0; i < 20; i++) {
      const pair = await generatePkce();
      expect(pair.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(pair.codeChallenge).toBe(
        createHash('sha256').update(pair.codeVerifier).digest('base64url'),
      );
    }
  });

  it('refuses verifiers RFC 7636 does not allow', async () => {
    await expect(codeChallengeS256('short')).rejects.toBeInstanceOf(TypeError);
    await expect(codeChallengeS256(`${'a'.repeat(43)}+`)).rejects.toBeInstanceOf(TypeError);
  });

  it('the verifier sent at the exchange matches the challenge sent to /authorize', async () => {
    let exchanged: URLSearchParams | null = null;
    const { auth } = setup(async (url, init) => {
      if (String(url).endsWith('/oauth/token')) exchanged = new URLSearchParams(String(init?.body));
      return fetch(url, init);
    });
    const url = new URL(await auth.authorizationUrl());
    const { redirect } = await authorizeThroughForms(url.toString(), user);
    await auth.handleRedirect(redirect);
    const verifier = (exchanged as URLSearchParams | null)?.get('code_verifier') ?? '';
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(
      url.searchParams.get('code_challenge'),
    );
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('state', () => {
  it('a redirect with another state is refused and no code is exchanged', async () => {
    const { auth, storage } = setup();
    const { redirect } = await authorizeThroughForms(await auth.authorizationUrl(), user);
    const tampered = new URL(redirect);
    tampered.searchParams.set('state', 'attacker-state');
    requests.reset();
    const error = await auth.handleRedirect(tampered).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateMismatchError);
    expect((error as StateMismatchError).code).toBe('state_mismatch');
    expect(requests.count('POST', '/oauth/token')).toBe(0);
    expect(await storage.get('tokens')).toBeNull();
    // The genuine redirect still works afterwards.
    await expect(auth.handleRedirect(redirect)).resolves.toMatchObject({
      accessToken: expect.any(String),
    });
  });

  it('a redirect without state, or with no authorization pending, is refused', async () => {
    const { auth } = setup();
    const { redirect } = await authorizeThroughForms(await auth.authorizationUrl(), user);
    const stateless = new URL(redirect);
    stateless.searchParams.delete('state');
    await expect(auth.handleRedirect(stateless)).rejects.toBeInstanceOf(StateMismatchError);
    const other = setup();
    await expect(other.auth.handleRedirect(redirect)).rejects.toBeInstanceOf(StateMismatchError);
  });

  it('the same redirect handled twice: the second is refused without a request', async () => {
    const { auth } = setup();
    const { redirect } = await authorizeThroughForms(await auth.authorizationUrl(), user);
    await auth.handleRedirect(redirect);
    requests.reset();
    await expect(auth.handleRedirect(redirect)).rejects.toBeInstanceOf(StateMismatchError);
    expect(requests.seen).toEqual([]);
  });

  it('an error redirect with the right state and iss becomes an OAuthError', async () => {
    const { auth } = setup();
    const url = new URL(await auth.authorizationUrl());
    const redirect = new URL(oauthClient.redirectUri);
    redirect.searchParams.set('error', 'access_denied');
    redirect.searchParams.set('error_description', 'the user said no');
    redirect.searchParams.set('state', url.searchParams.get('state') ?? '');
    redirect.searchParams.set('iss', server.url);
    const error = await auth.handleRedirect(redirect).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({
      code: 'oauth_error',
      error: 'access_denied',
      error_description: 'the user said no',
      status: 0,
    });
  });
});
