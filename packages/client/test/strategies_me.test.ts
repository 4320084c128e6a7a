import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeThroughForms } from '../../server/test/support/form_browser.js';
import {
  createClient,
  createPasswordUser,
  type TestClient,
  type TestUser,
} from '../../server/test/support/oauth_fixtures.js';
import { countRequests, type RequestCounter } from '../../server/test/support/request_counter.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
} from '../../server/test/support/start_test_server.js';
import {
  apiKeys,
  authorizationCode,
  bearer,
  clientCredentials,
  clientSecretBasic,
  createKeygateClient,
  legacyJwt,
  memoryTokenStorage,
  wsse,
} from '../src/index.js';

/**
 * Issue 4 acceptance 1: every strategy of the SDK makes an authenticated `GET /api/v1/me`
 * succeed against the real server (C-2..C-5, R-1). legacy_jwt.test.ts covers the legacy
 * strategy's renewal rules.
 */
interface Me {
  user: { login: string } | null;
  organization: { name: string } | null;
  client?: { id: string };
  scheme: string;
}

let server: TestServer;
let requests: RequestCounter;
let apiKey: SeededCredential;
let apiKeysClient: TestClient;
let machineClient: TestClient;
let codeClient: TestClient;
let user: TestUser;

beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  requests = countRequests(server);
  apiKey = await seedCredential(server, 'alice', 'acme');
  apiKeysClient = await createClient(server, {
    name: 'Headless',
    redirectUris: [],
    grantTypes: ['api_keys'],
  });
  machineClient = await createClient(server, {
    name: 'Machine',
    redirectUris: [],
    grantTypes: ['client_credentials'],
  });
  codeClient = await createClient(server, { redirectUris: ['http://127.0.0.1:9/sdk-callback'] });
  user = await createPasswordUser(server, 'carol', 'acme');
});
afterAll(() => server.close());

function clientFor(auth: Parameters<typeof createKeygateClient>[0]['auth']) {
  return createKeygateClient({ baseUrl: server.url, auth, now: server.clock.now });
}

describe('every strategy authenticates GET /api/v1/me (acceptance 1)', () => {
  it('wsse: Penneo style, the key as Username (C-2)', async () => {
    const client = clientFor(wsse({ key: apiKey.key, secret: apiKey.secret }));
    const me = await client.json<Me>('GET', '/api/v1/me');
    expect(me).toMatchObject({
      scheme: 'wsse',
      user: { login: 'alice' },
      organization: { name: 'acme' },
    });
  });

  it('wsse: OroPlatform style, the login as Username (W-8)', async () => {
    const client = clientFor(wsse({ key: 'alice', secret: apiKey.secret }));
    const me = await client.json<Me>('GET', '/api/v1/me');
    expect(me).toMatchObject({ scheme: 'wsse', user: { login: 'alice' } });
  });

  it('apiKeys: runs the api_keys grant once and sends the token as Bearer (C-3, O-8)', async () => {
    const client = clientFor(
      apiKeys({
        clientId: apiKeysClient.clientId,
        clientSecret: apiKeysClient.clientSecret ?? '',
        key: apiKey.key,
        secret: apiKey.secret,
      }),
    );
    requests.reset();
    const first = await client.json<Me>('GET', '/api/v1/me');
    const second = await client.json<Me>('GET', '/api/v1/me');
    expect(first).toMatchObject({
      scheme: 'bearer',
      user: { login: 'alice' },
      organization: { name: 'acme' },
      client: { id: apiKeysClient.clientId },
    });
    expect(second).toEqual(first);
    expect(requests.count('POST', '/oauth/token')).toBe(1);
    expect(requests.count('GET', '/api/v1/me')).toBe(2);
  });

  it('clientCredentials with client_secret_basic: the client acts as itself', async () => {
    const client = clientFor(
      clientCredentials({
        clientId: machineClient.clientId,
        clientAuthentication: clientSecretBasic(machineClient.clientSecret ?? ''),
      }),
    );
    const me = await client.json<Me>('GET', '/api/v1/me');
    expect(me).toMatchObject({
      scheme: 'bearer',
      user: null,
      client: { id: machineClient.clientId },
    });
  });

  it('authorizationCode: PKCE S256 + state through the login page, then Bearer (C-4)', async () => {
    const storage = memoryTokenStorage();
    const auth = authorizationCode({
      clientId: codeClient.clientId,
      clientSecret: codeClient.clientSecret ?? '',
      redirectUri: codeClient.redirectUri,
      scope: 'documents:read',
      storage,
    });
    const client = clientFor(auth);
    const url = new URL(await auth.authorizationUrl());
    expect(url.origin + url.pathname).toBe(`${server.url}/oauth/authorize`);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    const { redirect } = await authorizeThroughForms(url.toString(), user);
    const tokens = await auth.handleRedirect(redirect);
    expect(tokens.refreshToken).toEqual(expect.any(String));
    const me = await client.json<Me>('GET', '/api/v1/me');
    expect(me).toMatchObject({
      scheme: 'bearer',
      user: { login: 'carol' },
      client: { id: codeClient.clientId },
    });
    expect(JSON.parse(String(await storage.get('tokens'))).accessToken).toBe(tokens.accessToken);
  });

  it('legacyJwt: password sign-in, X-Auth-Token (C-5, L-1, L-2)', async () => {
    const client = clientFor(legacyJwt({ username: user.login, password: user.password }));
    const me = await client.json<Me>('GET', '/api/v1/me');
    expect(me).toMatchObject({
      scheme: 'legacy_jwt',
      user: { login: 'carol' },
      organization: { name: 'acme' },
    });
  });

  it('bearer: a token obtained elsewhere', async () => {
    const source = apiKeys({
      clientId: apiKeysClient.clientId,
      clientSecret: apiKeysClient.clientSecret ?? '',
      key: apiKey.key,
      secret: apiKey.secret,
    });
    const granted = await source.grant(clientFor(source).context);
    const me = await clientFor(bearer(granted.access_token)).json<Me>('GET', '/api/v1/me');
    expect(me).toMatchObject({ scheme: 'bearer', user: { login: 'alice' } });
  });

  it('a wrong secret ends in a typed KeygateHttpError carrying the server code', async () => {
    const client = clientFor(wsse({ key: apiKey.key, secret: 'not-the-secret' }));
    await expect(client.request('GET', '/api/v1/me')).rejects.toMatchObject({
      code: 'http_error',
      status: 401,
      error: 'invalid_credentials',
    });
  });
});
