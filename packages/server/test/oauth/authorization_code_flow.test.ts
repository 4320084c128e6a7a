import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeThroughForms } from '../support/form_browser.js';
import { get } from '../support/http_client.js';
import {
  authorizeUrl,
  createClient,
  createPasswordUser,
  type TestClient,
  type TestUser,
} from '../support/oauth_fixtures.js';
import { startTestServer, type TestServer } from '../support/start_test_server.js';
import { postToken } from '../support/token_client.js';

/** O-3..O-6, O-10, R-1: the authorization code flow through the real pages, then the API. */
let server: TestServer;
let user: TestUser;
let client: TestClient;
beforeAll(async () => {
  server = await startTestServer();
  user = await createPasswordUser(server);
  client = await createClient(server);
});
afterAll(() => server.close());

describe('authorization code with PKCE', () => {
  it('login, consent, code exchange, then the access token works on /api/v1/me', async () => {
    const { url, verifier } = authorizeUrl(server, client);
    const { redirect } = await authorizeThroughForms(url, user);
    expect(`${redirect.origin}${redirect.pathname}`).toBe(client.redirectUri);
    expect(redirect.searchParams.get('state')).toBe('st-123');
    expect(redirect.searchParams.get('iss')).toBe(server.config.issuer);
    const code = redirect.searchParams.get('code') ?? '';
    expect(code.length).toBeGreaterThanOrEqual(43);

    const token = await postToken(server, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      code_verifier: verifier,
      client_id: client.clientId,
      client_secret: client.clientSecret ?? '',
    });
    expect(token.status).toBe(200);
    expect(token.headers['cache-control']).toBe('no-store');
    const body = token.json as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'documents:read' });
    expect(Object.keys(body).sort()).toEqual(
      [
        'access_token',
        'access_token_expires_at',
        'expires_in',
        'refresh_token',
        'refresh_token_expires_at',
        'scope',
        'token_type',
      ].sort(),
    );
    const me = await get(`${server.url}/api/v1/me`, {
      authorization: `Bearer ${String(body.access_token)}`,
    });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({
      user: { login: user.login },
      organization: { name: user.organization },
      client: { id: client.clientId },
      scopes: ['documents:read'],
      scheme: 'bearer',
    });
  });
});
