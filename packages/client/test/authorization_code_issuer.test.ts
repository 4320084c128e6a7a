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
import { postToken } from '../../server/test/support/token_client.js';
import {
  authorizationCode,
  createKeygateClient,
  IssuerMismatchError,
  KeygateHttpError,
  memoryTokenStorage,
  OAuthError,
} from '../src/index.js';

/**
 * RFC 9207 mix-up protection in the authorization code strategy (C-4): keygate puts `iss` in
 * every authorization response and announces it in its metadata, so `handleRedirect` checks
 * `iss`, right after `state` and before the code is exchanged or an `error` believed, against
 * the configured `issuer` or else the one in the server's metadata (fetched once per strategy).
 */
const METADATA = '/.well-known/oauth-authorization-server';

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

function setup(options: { issuer?: string; scope?: string; fetch?: typeof fetch } = {}) {
  const storage = memoryTokenStorage();
  const auth = authorizationCode({
    clientId: oauthClient.clientId,
    clientSecret: oauthClient.clientSecret ?? '',
    redirectUri: oauthClient.redirectUri,
    scope: options.scope ?? 'documents:read',
    storage,
    ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
  });
  createKeygateClient({
    baseUrl: server.url,
    auth,
    now: server.clock.now,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return { auth, storage };
}

/** Signs in through the real pages; returns the redirect and the PKCE verifier it needs. */
async function signIn(
  auth: ReturnType<typeof setup>['auth'],
  storage: ReturnType<typeof setup>['storage'],
) {
  const { redirect } = await authorizeThroughForms(await auth.authorizationUrl(), user);
  const { codeVerifier } = JSON.parse(String(await storage.get('pending'))) as {
    codeVerifier: string;
  };
  return { redirect, codeVerifier };
}

/** Redeems a code directly at the token endpoint: 200 shows the SDK never spent it. */
function redeem(code: string, codeVerifier: string) {
  return postToken(server, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: oauthClient.redirectUri,
    code_verifier: codeVerifier,
    client_id: oauthClient.clientId,
    client_secret: oauthClient.clientSecret ?? '',
  });
}

function withIss(redirect: URL, iss: string | null): URL {
  const changed = new URL(redirect);
  if (iss === null) changed.searchParams.delete('iss');
  else changed.searchParams.set('iss', iss);
  return changed;
}

describe('a real keygate redirect', () => {
  it('carries iss equal to the issuer the metadata publishes', async () => {
    const { auth, storage } = setup();
    const { redirect } = await signIn(auth, storage);
    const metadata = (await (await fetch(`${server.url}${METADATA}`)).json()) as {
      issuer: string;
      authorization_response_iss_parameter_supported: boolean;
    };
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    expect(redirect.searchParams.get('iss')).toBe(metadata.issuer);
  });

  it('is accepted without the issuer option; the metadata is fetched once per strategy', async () => {
    const { auth, storage } = setup();
    requests.reset();
    const first = await signIn(auth, storage);
    await expect(auth.handleRedirect(first.redirect)).resolves.toMatchObject({
      accessToken: expect.any(String),
    });
    const second = await signIn(auth, storage);
    await expect(auth.handleRedirect(second.redirect)).resolves.toMatchObject({
      accessToken: expect.any(String),
    });
    expect(requests.count('GET', METADATA)).toBe(1);
    expect(requests.count('POST', '/oauth/token')).toBe(2);
  });

  it('is accepted with the issuer option, without a metadata request', async () => {
    const { auth, storage } = setup({ issuer: server.url });
    const { redirect } = await signIn(auth, storage);
    requests.reset();
    await expect(auth.handleRedirect(redirect)).resolves.toMatchObject({
      accessToken: expect.any(String),
    });
    expect(requests.count('GET', METADATA)).toBe(0);
  });
});

describe('a redirect whose iss was changed', () => {
  for (const configured of [false, true]) {
    it(`is refused before the code is exchanged (issuer option ${configured ? 'set' : 'unset'})`, async () => {
      const { auth, storage } = setup(configured ? { issuer: server.url } : {});
      const { redirect, codeVerifier } = await signIn(auth, storage);
      const attacker = 'https://attacker.example';
      requests.reset();
      const error = await auth.handleRedirect(withIss(redirect, attacker)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IssuerMismatchError);
      expect(error).toMatchObject({
        code: 'issuer_mismatch',
        expected: server.url,
        received: attacker,
      });
      expect((error as Error).message).toContain(server.url);
      expect((error as Error).message).toContain(attacker);
      const code = redirect.searchParams.get('code') ?? '';
      expect((error as Error).message).not.toContain(code);
      expect(requests.count('POST', '/oauth/token')).toBe(0);
      expect(await storage.get('tokens')).toBeNull();
      // The code was never spent: it is still redeemable.
      expect((await redeem(code, codeVerifier)).status).toBe(200);
    });
  }

  it('is refused when only its trailing slash differs (no normalization)', async () => {
    const { auth, storage } = setup({ issuer: server.url });
    const { redirect } = await signIn(auth, storage);
    await expect(auth.handleRedirect(withIss(redirect, `${server.url}/`))).rejects.toBeInstanceOf(
      IssuerMismatchError,
    );
  });
});

describe('a redirect without iss', () => {
  it('is refused when the issuer option is set, and no code is exchanged', async () => {
    const { auth, storage } = setup({ issuer: server.url });
    const { redirect, codeVerifier } = await signIn(auth, storage);
    requests.reset();
    const error = await auth.handleRedirect(withIss(redirect, null)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IssuerMismatchError);
    expect(error).toMatchObject({ expected: server.url, received: undefined });
    expect(requests.count('POST', '/oauth/token')).toBe(0);
    expect((await redeem(redirect.searchParams.get('code') ?? '', codeVerifier)).status).toBe(200);
  });

  it('is refused without the option when the metadata announces iss support', async () => {
    const { auth, storage } = setup();
    const { redirect } = await signIn(auth, storage);
    requests.reset();
    const error = await auth.handleRedirect(withIss(redirect, null)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'issuer_mismatch', expected: server.url });
    expect(requests.count('POST', '/oauth/token')).toBe(0);
  });

  it('is accepted from a server that publishes no metadata (no RFC 9207)', async () => {
    const { auth, storage } = setup({ fetch: withoutMetadata(404) });
    const { redirect } = await signIn(auth, storage);
    await expect(auth.handleRedirect(withIss(redirect, null))).resolves.toMatchObject({
      accessToken: expect.any(String),
    });
  });
});

describe('without the issuer option or metadata to compare with', () => {
  it('a redirect with iss is refused: nothing says which issuer to expect', async () => {
    const { auth, storage } = setup({ fetch: withoutMetadata(404) });
    const { redirect } = await signIn(auth, storage);
    requests.reset();
    const error = await auth.handleRedirect(redirect).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'issuer_mismatch',
      expected: undefined,
      received: server.url,
    });
    expect(requests.count('POST', '/oauth/token')).toBe(0);
  });

  it('a failed metadata request refuses the redirect and is tried again next time', async () => {
    const failing = withoutMetadata(503);
    let fail = true;
    const { auth, storage } = setup({
      fetch: (input, init) => (fail ? failing(input, init) : fetch(input, init)),
    });
    const first = await signIn(auth, storage);
    requests.reset();
    const error = await auth.handleRedirect(first.redirect).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeygateHttpError);
    expect(requests.count('POST', '/oauth/token')).toBe(0);
    fail = false;
    const second = await signIn(auth, storage);
    await expect(auth.handleRedirect(second.redirect)).resolves.toMatchObject({
      accessToken: expect.any(String),
    });
    expect(requests.count('GET', METADATA)).toBe(1);
  });
});

describe('an error redirect', () => {
  it('with the right iss becomes the OAuthError', async () => {
    // An unknown scope makes keygate redirect back with error=invalid_scope, state and iss.
    const { auth } = setup({ scope: 'no-such-scope' });
    const redirect = await errorRedirect(await auth.authorizationUrl());
    expect(redirect.searchParams.get('iss')).toBe(server.url);
    const error = await auth.handleRedirect(redirect).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ error: 'invalid_scope', status: 0 });
  });

  for (const configured of [false, true]) {
    it(`with a wrong iss is the issuer error, not the OAuthError (issuer option ${configured ? 'set' : 'unset'})`, async () => {
      const { auth } = setup({
        scope: 'no-such-scope',
        ...(configured ? { issuer: server.url } : {}),
      });
      const redirect = await errorRedirect(await auth.authorizationUrl());
      const error = await auth
        .handleRedirect(withIss(redirect, 'https://attacker.example'))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IssuerMismatchError);
      expect(error).not.toBeInstanceOf(OAuthError);
      expect((error as IssuerMismatchError).code).toBe('issuer_mismatch');
    });
  }
});

it('an empty issuer option is caller misuse (TypeError)', () => {
  expect(() => setup({ issuer: '' })).toThrow(TypeError);
});

/** A fetch that answers `status` for the metadata document and passes everything else on. */
function withoutMetadata(status: number): typeof fetch {
  return async (input, init) => {
    if (new URL(String(input)).pathname === METADATA) return new Response('', { status });
    return fetch(input, init);
  };
}

/** Follows /oauth/authorize one hop, expecting keygate's redirect back to the client. */
async function errorRedirect(authorizeUrl: string): Promise<URL> {
  const response = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (location === null) throw new Error(`expected a redirect, got ${response.status}`);
  const redirect = new URL(location);
  expect(redirect.searchParams.get('error')).not.toBeNull();
  return redirect;
}
