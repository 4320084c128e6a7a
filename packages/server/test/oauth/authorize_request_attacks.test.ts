import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeThroughForms, FormBrowser } from '../support/form_browser.js';
import {
  authorizeUrl,
  createClient,
  createPasswordUser,
  pkcePair,
  type TestClient,
  type TestUser,
} from '../support/oauth_fixtures.js';
import { startTestServer, type TestServer } from '../support/start_test_server.js';
import { postToken } from '../support/token_client.js';

/** Acceptance 4 of the OAuth issue: redirect URI exactness (O-2), state (O-3) and PKCE (O-3, O-5). */
let server: TestServer;
let user: TestUser;
let client: TestClient;
beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  user = await createPasswordUser(server);
  client = await createClient(server, {
    redirectUris: ['https://app.example.com:8443/cb?tenant=7'],
  });
});
afterAll(() => server.close());

describe('redirect URI attacks get an error page and never a redirect', () => {
  const registered = 'https://app.example.com:8443/cb?tenant=7';
  it.each([
    ['a trailing slash', 'https://app.example.com:8443/cb/?tenant=7'],
    ['different case', 'https://APP.example.com:8443/cb?tenant=7'],
    ['another port', 'https://app.example.com:8444/cb?tenant=7'],
    ['the default port spelled out differently', 'https://app.example.com/cb?tenant=7'],
    ['a fragment', `${registered}#frag`],
    ['a ..;/ path', 'https://app.example.com:8443/cb/..;/evil?tenant=7'],
    ['an encoded dot segment', 'https://app.example.com:8443/cb/%2e%2e/evil?tenant=7'],
    ['userinfo @evil', 'https://app.example.com:8443@evil.example/cb?tenant=7'],
    ['a suffix domain', 'https://app.example.com.evil.example:8443/cb?tenant=7'],
    ['a changed query', 'https://app.example.com:8443/cb?tenant=8'],
    ['an extra query parameter', `${registered}&x=1`],
  ])('%s', async (_label, redirectUri) => {
    const { url } = authorizeUrl(server, { ...client, redirectUri });
    const page = await new FormBrowser().get(url);
    expect(page.status).toBe(400);
    expect(page.location).toBeNull();
    expect(String(page.headers['content-type'])).toMatch(/^text\/html/);
    expect(page.body).toContain('not valid');
  });

  it('an unknown client', async () => {
    const { url } = authorizeUrl(server, { ...client, clientId: 'no-such-client' });
    const page = await new FormBrowser().get(url);
    expect(page.status).toBe(400);
    expect(page.location).toBeNull();
  });

  it('errors after a valid redirect URI go back to it with state', async () => {
    const { url } = authorizeUrl(server, client, { response_type: 'token', state: 'abc' });
    const page = await new FormBrowser().get(url);
    expect(page.status).toBe(302);
    const location = new URL(page.location ?? '');
    expect(location.searchParams.get('error')).toBe('unsupported_response_type');
    expect(location.searchParams.get('state')).toBe('abc');
    expect(location.searchParams.get('tenant')).toBe('7');
  });
});

describe('state is echoed byte-exact', () => {
  it.each([
    ['ampersand and equals', 'a&b=c'],
    ['percent signs', '100%25%'],
    ['Unicode', 'état-✓-🔑'],
    ['spaces and plus', 'a b+c'],
  ])('%s', async (_label, state) => {
    const { url } = authorizeUrl(server, client, { state });
    const { redirect } = await authorizeThroughForms(url, user);
    expect(redirect.searchParams.get('state')).toBe(state);
    expect(redirect.searchParams.get('tenant')).toBe('7');
  });
});

describe('PKCE', () => {
  async function codeFor(c: TestClient, extra: Record<string, string>) {
    const { url, verifier } = authorizeUrl(server, c, extra);
    const { redirect } = await authorizeThroughForms(url, user);
    return { code: redirect.searchParams.get('code') ?? '', verifier };
  }
  function redeem(c: TestClient, code: string, verifier?: string) {
    return postToken(server, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: c.redirectUri,
      client_id: c.clientId,
      client_secret: c.clientSecret ?? '',
      ...(verifier === undefined ? {} : { code_verifier: verifier }),
    });
  }

  it('a missing verifier is refused', async () => {
    const { code } = await codeFor(client, {});
    expect((await redeem(client, code)).json).toMatchObject({ error: 'invalid_grant' });
  });

  it('a wrong verifier is refused', async () => {
    const { code } = await codeFor(client, {});
    expect((await redeem(client, code, pkcePair().verifier)).json).toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('a missing challenge is refused at the authorization endpoint', async () => {
    const { url } = authorizeUrl(server, client);
    const withoutChallenge = url
      .replace(/&code_challenge=[^&]*/, '')
      .replace(/&code_challenge_method=S256/, '');
    const page = await new FormBrowser().get(withoutChallenge);
    expect(new URL(page.location ?? '').searchParams.get('error')).toBe('invalid_request');
  });

  it('plain is refused unless the client allows it', async () => {
    const { verifier } = pkcePair();
    const { url } = authorizeUrl(server, client, {
      code_challenge: verifier,
      code_challenge_method: 'plain',
    });
    const page = await new FormBrowser().get(url);
    expect(new URL(page.location ?? '').searchParams.get('error')).toBe('invalid_request');
  });

  it('a verifier without a challenge is refused (client that opted out of PKCE)', async () => {
    const noPkce = await createClient(server, { name: 'Legacy', disablePkce: true });
    const { url } = authorizeUrl(server, noPkce);
    const bare = url
      .replace(/&code_challenge=[^&]*/, '')
      .replace(/&code_challenge_method=S256/, '');
    const { redirect } = await authorizeThroughForms(bare, user);
    const code = redirect.searchParams.get('code') ?? '';
    expect((await redeem(noPkce, code, pkcePair().verifier)).json).toMatchObject({
      error: 'invalid_grant',
    });
  });
});
