import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsernameToken } from 'wsse';
import { setOrganizationDisabled } from '../../src/core/admin/organizations.js';
import { setUserDisabled } from '../../src/core/admin/users.js';
import { DEFAULT_ACCESS_TOKEN_CHECK_WINDOW_MS } from '../../src/core/oauth/access_token_check_cache.js';
import { get } from '../support/http_client.js';
import { createClient, type TestClient } from '../support/oauth_fixtures.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
} from '../support/start_test_server.js';
import { postToken } from '../support/token_client.js';

/**
 * R-3 with the Bearer check's short cache: the store checks of an access token (revoked,
 * family, user, organization, membership) are remembered for a window well inside 5 s, so a
 * change made outside this process (here: straight in the store, or through the admin
 * operations the CLI runs) is seen once the frozen clock passes the window; a revocation
 * through this server's own endpoints is seen on the next request.
 */
const WINDOW = DEFAULT_ACCESS_TOKEN_CHECK_WINDOW_MS;

let server: TestServer;
let apiKey: SeededCredential;
let client: TestClient;
beforeEach(async () => {
  server = await startTestServer({ store: 'sqlite' });
  server.clock.set(Date.now());
  apiKey = await seedCredential(server, 'robot', 'acme');
  client = await createClient(server, {
    name: 'Headless integration',
    redirectUris: [],
    grantTypes: ['api_keys'],
  });
});
afterEach(() => server.close());

/** An access token from the api_keys grant, the payload built like Penneo's Node example. */
async function accessToken(): Promise<string> {
  const token = new UsernameToken({ username: apiKey.key, password: apiKey.secret });
  const issued = await postToken(
    server,
    {
      client_id: client.clientId,
      client_secret: client.clientSecret ?? '',
      grant_type: 'api_keys',
      key: apiKey.key,
      nonce: token.getNonceBase64(),
      created_at: token.getCreated(),
      digest: token.getPasswordDigest(),
    },
    { json: true },
  );
  expect(issued.status).toBe(200);
  return (issued.json as { access_token: string }).access_token;
}

const me = (token: string) => get(`${server.url}/api/v1/me`, { authorization: `Bearer ${token}` });

function claims(token: string): { jti: string; exp: number } {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

describe('the check window is inside R-3 (5 s)', () => {
  it('is at most 5 s', () => {
    expect(WINDOW).toBeGreaterThan(0);
    expect(WINDOW).toBeLessThanOrEqual(5_000);
  });
});

describe('changes made outside this server take effect once the window has passed (R-3)', () => {
  it('a disabled user: served from the window at most, then 401 subject_disabled', async () => {
    const token = await accessToken();
    expect((await me(token)).status).toBe(200);
    await setUserDisabled(server, 'robot', true);
    server.clock.advance(WINDOW - 1);
    expect((await me(token)).status).toBe(200);
    server.clock.advance(1);
    const refused = await me(token);
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ error: 'invalid_token' });
    expect(String(refused.headers['www-authenticate'])).toContain('disabled');
  });

  it('a disabled organization: 401 after the window; re-enabled: works again after the window', async () => {
    const token = await accessToken();
    expect((await me(token)).status).toBe(200);
    await setOrganizationDisabled(server, 'acme', true);
    server.clock.advance(WINDOW);
    expect((await me(token)).status).toBe(401);
    // The refusal is remembered too, for the same window only.
    await setOrganizationDisabled(server, 'acme', false);
    expect((await me(token)).status).toBe(401);
    server.clock.advance(WINDOW);
    expect((await me(token)).status).toBe(200);
  });

  it('an access token revoked by another process (straight in the store): 401 revoked after the window', async () => {
    const token = await accessToken();
    expect((await me(token)).status).toBe(200);
    const { jti, exp } = claims(token);
    await server.store.revokedAccessTokens.add(jti, exp);
    server.clock.advance(WINDOW);
    const refused = await me(token);
    expect(refused.status).toBe(401);
    expect(String(refused.headers['www-authenticate'])).toContain('revoked');
  });
});

describe('introspection (RFC 7662) reads the store, not the window', () => {
  it('a user disabled elsewhere: introspection says inactive at once, the Bearer check after the window', async () => {
    const token = await accessToken();
    expect((await me(token)).status).toBe(200);
    const introspect = () =>
      postToken(
        server,
        { token, client_id: client.clientId, client_secret: client.clientSecret ?? '' },
        { path: '/oauth/introspect' },
      );
    expect((await introspect()).json).toMatchObject({ active: true });
    await setUserDisabled(server, 'robot', true);
    expect((await introspect()).json).toEqual({ active: false });
    server.clock.advance(WINDOW);
    expect((await me(token)).status).toBe(401);
  });
});

describe('revocation through this server takes effect on the next request', () => {
  it('RFC 7009 revocation of the access token: 401 at once, clock not moved', async () => {
    const token = await accessToken();
    expect((await me(token)).status).toBe(200);
    const revoked = await postToken(
      server,
      {
        token,
        client_id: client.clientId,
        client_secret: client.clientSecret ?? '',
      },
      { path: '/oauth/revoke' },
    );
    expect(revoked.status).toBe(200);
    const refused = await me(token);
    expect(refused.status).toBe(401);
    expect(String(refused.headers['www-authenticate'])).toContain('revoked');
  });

  it('another token of the same user keeps working meanwhile', async () => {
    const kept = await accessToken();
    const dropped = await accessToken();
    expect((await me(kept)).status).toBe(200);
    await postToken(
      server,
      { token: dropped, client_id: client.clientId, client_secret: client.clientSecret ?? '' },
      { path: '/oauth/revoke' },
    );
    expect((await me(dropped)).status).toBe(401);
    expect((await me(kept)).status).toBe(200);
  });
});
