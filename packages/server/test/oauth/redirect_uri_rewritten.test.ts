import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/admin/admin_errors.js';
import { registerOAuthClient } from '../../src/core/admin/oauth_clients.js';
import { checkRedirectUriForRegistration } from '../../src/core/oauth/checks/redirect_uri.js';
import { authorizeThroughForms, type FormBrowser } from '../support/form_browser.js';
import {
  authorizeUrl,
  createClient,
  createPasswordUser,
  exchangeCode,
  pkcePair,
  type TestClient,
} from '../support/oauth_fixtures.js';
import { startTestServer, type TestServer } from '../support/start_test_server.js';

/**
 * O-2: the redirect goes to exactly the registered string with the response parameters
 * appended, and registration refuses whatever a URL parser on the way would rewrite.
 */
let server: TestServer;
let browser: FormBrowser;
beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  const user = await createPasswordUser(server);
  const first = await createClient(server, { skipConsent: true });
  // One sign-in: the session cookie then lets every skip-consent client redirect at once.
  ({ browser } = await authorizeThroughForms(authorizeUrl(server, first).url, user));
});
afterAll(() => server.close());

/** The raw `Location` of an authorize request for a skip-consent client, and its verifier. */
async function authorizeLocation(client: TestClient, extra: Record<string, string> = {}) {
  const { url, verifier } = authorizeUrl(server, client, extra);
  const page = await browser.get(url);
  expect([302, 303]).toContain(page.status);
  return { location: String(page.headers.location), verifier };
}

const register = (redirectUri: string) =>
  registerOAuthClient(server, {
    name: 'Redirect test',
    redirectUris: [redirectUri],
    scopes: ['documents:read'],
    skipConsent: true,
  });

describe('the redirect is the registered string plus parameters', () => {
  const registered = 'http://127.0.0.1:3000/cb?a=b%20c&d';

  it('a registered query a=b%20c&d reached the client as a=b+c&d= (code redirect)', async () => {
    const client = await createClient(server, { redirectUris: [registered], skipConsent: true });
    const { location, verifier } = await authorizeLocation(client);
    expect(location.startsWith(`${registered}&code=`)).toBe(true);
    const code = new URL(location);
    expect(code.searchParams.get('state')).toBe('st-123');
    expect((await exchangeCode(server, client, code, verifier)).status).toBe(200);
  });

  it('a registered query a=b%20c&d reached the client as a=b+c&d= (error redirect)', async () => {
    const client = await createClient(server, { redirectUris: [registered], skipConsent: true });
    const { location } = await authorizeLocation(client, { response_type: 'token' });
    expect(location.startsWith(`${registered}&error=unsupported_response_type&`)).toBe(true);
  });

  it.each([
    ['no query', 'http://127.0.0.1:3000/cb', '?'],
    ['a trailing ?', 'http://127.0.0.1:3000/cb?', ''],
    ['a trailing &', 'http://127.0.0.1:3000/cb?x=1&', ''],
  ])('%s: the parameters follow with the right separator', async (_label, uri, separator) => {
    const client = await createClient(server, { redirectUris: [uri], skipConsent: true });
    const { location } = await authorizeLocation(client);
    expect(location.startsWith(`${uri}${separator}code=`)).toBe(true);
  });
});

describe('registration refuses what a URL parser would rewrite', () => {
  it.each([
    ['a ../ path reached …/admin', 'http://127.0.0.1:3000/callback/../admin', /"\." or "\.\."/],
    [
      'a %2e%2e/ path reached …/admin',
      'http://127.0.0.1:3000/callback/%2e%2e/admin',
      /"\." or "\.\."/,
    ],
    [
      'an upper-case scheme was rewritten',
      'HTTP://127.0.0.1:3000/Callback',
      /canonical form: register http:\/\/127\.0\.0\.1:3000\/Callback instead/,
    ],
    ['a CR/LF inside was accepted', 'http://127.0.0.1:3000/cb\r\nX-Evil: 1', /control/],
  ])('%s', async (_label, uri, message) => {
    const refused = register(uri);
    await expect(refused).rejects.toBeInstanceOf(InvalidInputError);
    await expect(refused).rejects.toThrow(message);
    expect((await server.store.oauthClients.list()).some((c) => c.redirectUris.includes(uri))).toBe(
      false,
    );
  });

  it('an authorize request naming …/callback/../admin for a client registered with …/callback gets no redirect', async () => {
    const client = await createClient(server, {
      redirectUris: ['http://127.0.0.1:3000/callback'],
      skipConsent: true,
    });
    const { url } = authorizeUrl(server, {
      ...client,
      redirectUri: 'http://127.0.0.1:3000/callback/../admin',
    });
    const page = await browser.get(url);
    expect(page.status).toBe(400);
    expect(page.headers.location).toBeUndefined();
  });
});

describe('a table of redirect URIs at registration', () => {
  it.each([
    ['a tab', 'http://127.0.0.1/c\tb', /whitespace or control/],
    ['a space', 'http://127.0.0.1/c b', /whitespace or control/],
    ['a NUL', 'http://127.0.0.1/cb\u0000', /whitespace or control/],
    ['DEL', 'http://127.0.0.1/cb\u007f', /whitespace or control/],
    ['non-ASCII', 'http://127.0.0.1/café', /ASCII/],
    ['a fragment', 'http://127.0.0.1/cb#x', /fragment/],
    ['an empty fragment', 'http://127.0.0.1/cb#', /fragment/],
    ['a wildcard', 'https://*.example.com/cb', /wildcard/],
    ['a backslash', 'http://127.0.0.1/cb\\..\\admin', /backslash/],
    ['a relative URI', '/cb', /absolute/],
    ['an empty string', '', /absolute/],
    ['a custom scheme', 'com.example.app:/cb', /http or https/],
    ['javascript:', 'javascript:alert(1)', /http or https/],
    ['userinfo', 'https://user@app.example/cb', /credentials/],
    ['user and password', 'https://user:pw@app.example/cb', /credentials/],
    ['a broken percent-encoding', 'http://127.0.0.1/cb?a=%zz', /percent-encoded/],
    ['a lone %', 'http://127.0.0.1/cb?a=100%', /percent-encoded/],
    ['a ./ segment', 'http://127.0.0.1/./cb', /"\." or "\.\."/],
    ['a trailing ..', 'http://127.0.0.1/cb/..', /"\." or "\.\."/],
    ['%2E%2E upper case', 'http://127.0.0.1/cb/%2E%2E/admin', /"\." or "\.\."/],
    ['.%2e mixed', 'http://127.0.0.1/cb/.%2e/admin', /"\." or "\.\."/],
    ['double-encoded %252e%252e', 'http://127.0.0.1/cb/%252e%252e/admin', /"\." or "\.\."/],
    ['..%2f (an encoded slash)', 'http://127.0.0.1/cb/..%2fadmin', /"\." or "\.\."/],
    ['..%5c (an encoded backslash)', 'http://127.0.0.1/cb/..%5cadmin', /"\." or "\.\."/],
    ['..; (Tomcat path parameter)', 'http://127.0.0.1/cb/..;/admin', /"\." or "\.\."/],
    ['an upper-case host', 'http://LOCALHOST:3000/cb', /register http:\/\/localhost:3000\/cb/],
    ['the default port', 'https://app.example:443/cb', /register https:\/\/app\.example\/cb/],
    ['an origin without /', 'https://app.example', /register https:\/\/app\.example\/ instead/],
    ['a query without /', 'https://app.example?x=1', /register https:\/\/app\.example\/\?x=1/],
    ['a single slash', 'http:/app.example/cb', /register http:\/\/app\.example\/cb/],
    [
      'a quote in the query',
      "http://127.0.0.1/cb?x='",
      /register http:\/\/127\.0\.0\.1\/cb\?x=%27/,
    ],
    ['an encoded host', 'http://%6cocalhost/cb', /register http:\/\/localhost\/cb/],
    ['a registered code', 'http://127.0.0.1/cb?code=1', /"code" query parameter/],
    ['a registered state', 'http://127.0.0.1/cb?x=1&state=s', /"state" query parameter/],
    ['a registered iss', 'http://127.0.0.1/cb?iss=x', /"iss" query parameter/],
    ['a registered error', 'http://127.0.0.1/cb?error', /"error" query parameter/],
    [
      'a URI longer than the authorize endpoint takes',
      `http://127.0.0.1/cb?x=${'a'.repeat(4096)}`,
      /at most 4096 characters/,
    ],
  ])('refuses %s', (_label, uri, message) => {
    expect(() => checkRedirectUriForRegistration(uri)).toThrow(message);
  });

  it.each([
    'http://127.0.0.1:3000/cb?a=b%20c&d',
    'http://localhost/',
    'http://[::1]:8080/callback',
    'https://app.example.com:8443/cb?tenant=7',
    'https://app.example/a%2Fb/c..d/.e/',
    'https://app.example/cb?next=../x&dot=.',
    'https://xn--caf-dma.example/cb',
    'http://127.0.0.1:3000/cb?',
  ])('accepts %s unchanged', (uri) => {
    expect(checkRedirectUriForRegistration(uri)).toBe(uri);
  });
});

describe('for any accepted registered URI the redirect starts with exactly that string', () => {
  const pieces = (units: readonly string[], maxLength: number) =>
    fc.string({ unit: fc.constantFrom(...units), maxLength });
  const common = [..."aZ09-._~!$&'()+,;=:@", '%20', '%25', '%2e', '%2E', '%zz', '%'];
  const pathUnits = [...common, '.', '..', '%2F', '%5C', '|', '"', '<', ' '];
  const queryUnits = [...common, '/', '?', '=', '&', '+', '%2B', '%26', '%3D', 'code=', 'é'];
  const candidate = fc
    .record({
      scheme: fc.constantFrom('http', 'https', 'HTTP', 'Https'),
      host: fc.constantFrom('127.0.0.1', 'localhost', '[::1]', 'app.example', 'App.Example'),
      port: fc.constantFrom('', ':3000', ':80', ':443', ':8443'),
      path: fc.array(pieces(pathUnits, 6), { maxLength: 4 }).map((s) => s.join('/')),
      query: fc.option(pieces(queryUnits, 16), { nil: undefined }),
    })
    .map(
      ({ scheme, host, port, path, query }) =>
        `${scheme}://${host}${port}/${path}${query === undefined ? '' : `?${query}`}`,
    );
  const accepted = (uri: string) => {
    try {
      return checkRedirectUriForRegistration(uri) === uri;
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      return false;
    }
  };

  it('every accepted URI round-trips through a URL parser and has no dot segment', () => {
    fc.assert(
      fc.property(
        fc.oneof(candidate, fc.webUrl({ withQueryParameters: true }), fc.string()),
        (uri) => {
          if (!accepted(uri)) return;
          expect(new URL(uri).href).toBe(uri);
          expect(/[\s#*\\]/.test(uri)).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('through the real server: code and error redirects start with the registered string', async () => {
    let served = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(candidate, fc.webUrl({ withQueryParameters: true })).filter(accepted),
        async (uri) => {
          const { client } = await register(uri);
          const testClient = { clientId: client.clientId, clientSecret: null, redirectUri: uri };
          const { challenge } = pkcePair();
          const extra = { code_challenge: challenge, state: 'a b+c&d=%' };
          const separator = !uri.includes('?') ? '?' : /[?&]$/.test(uri) ? '' : '&';
          const code = await authorizeLocation(testClient, extra);
          expect(code.location.startsWith(`${uri}${separator}code=`)).toBe(true);
          expect(new URL(code.location).searchParams.get('state')).toBe('a b+c&d=%');
          const error = await authorizeLocation(testClient, { ...extra, response_type: 'x' });
          expect(error.location.startsWith(`${uri}${separator}error=`)).toBe(true);
          served += 1;
        },
      ),
      { numRuns: 60 },
    );
    expect(served).toBe(60);
  });
});
