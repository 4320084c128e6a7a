import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authorizeThroughForms } from '../support/form_browser.js';
import {
  authorizeUrl,
  codeFlowTokens,
  createClient,
  createPasswordUser,
  exchangeCode,
  refresh,
  type TestClient,
  type TestUser,
} from '../support/oauth_fixtures.js';
import { startTestServer, type TestServer } from '../support/start_test_server.js';
import { postToken } from '../support/token_client.js';

/**
 * A user disabled, or whose organization was disabled, after signing in gets no new tokens:
 * not from a refresh token (O-9), not from a code (O-5), and introspection calls the refresh
 * token inactive (RFC 7662). Resource servers that verify access tokens from the JWKS alone
 * cannot see the store, so the token endpoint has to stop minting them.
 */
let server: TestServer;
let user: TestUser;
let client: TestClient;
beforeEach(async () => {
  server = await startTestServer({ store: 'sqlite' });
  user = await createPasswordUser(server);
  client = await createClient(server);
});
afterEach(() => server.close());

async function setUserDisabled(disabled: boolean): Promise<void> {
  const record = await server.store.users.findByLogin(user.login);
  await server.store.users.setDisabled(String(record?.id), disabled ? server.clock.now() : null);
}

async function setOrganizationDisabled(disabled: boolean): Promise<void> {
  const record = await server.store.organizations.findByName(user.organization);
  await server.store.organizations.setDisabled(
    String(record?.id),
    disabled ? server.clock.now() : null,
  );
}

function introspect(token: string) {
  return postToken(
    server,
    {
      token,
      token_type_hint: 'refresh_token',
      client_id: client.clientId,
      client_secret: String(client.clientSecret),
    },
    { path: '/oauth/introspect' },
  );
}

describe('refresh_token grant (O-9)', () => {
  it('a disabled user: invalid_grant, and the token is not used up (re-enabled, it works)', async () => {
    const { refreshToken } = await codeFlowTokens(server, client, user);
    await setUserDisabled(true);
    const refused = await refresh(server, client, refreshToken);
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringContaining('disabled'),
    });
    await setUserDisabled(false);
    expect((await refresh(server, client, refreshToken)).status).toBe(200);
  });

  it('a replayed token still revokes its family while the user is disabled', async () => {
    const first = await codeFlowTokens(server, client, user);
    const second = await refresh(server, client, first.refreshToken);
    const successor = String((second.json as { refresh_token: string }).refresh_token);
    await setUserDisabled(true);
    expect((await refresh(server, client, first.refreshToken)).json).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringContaining('already used'),
    });
    await setUserDisabled(false);
    expect((await refresh(server, client, successor)).json).toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('a disabled organization: invalid_grant', async () => {
    const { refreshToken } = await codeFlowTokens(server, client, user);
    await setOrganizationDisabled(true);
    expect((await refresh(server, client, refreshToken)).json).toMatchObject({
      error: 'invalid_grant',
    });
    await setOrganizationDisabled(false);
    expect((await refresh(server, client, refreshToken)).status).toBe(200);
  });
});

describe('authorization_code grant (O-5)', () => {
  it('a user disabled between sign-in and code exchange: invalid_grant', async () => {
    const { url, verifier } = authorizeUrl(server, client);
    const { redirect } = await authorizeThroughForms(url, user);
    await setUserDisabled(true);
    const response = await exchangeCode(server, client, redirect, verifier);
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: 'invalid_grant' });
    expect(response.json).not.toHaveProperty('access_token');
  });
});

describe('introspection of a refresh token (RFC 7662)', () => {
  it('is inactive while the user is disabled', async () => {
    const { refreshToken } = await codeFlowTokens(server, client, user);
    expect((await introspect(refreshToken)).json).toMatchObject({
      active: true,
      token_type: 'refresh_token',
    });
    await setUserDisabled(true);
    expect((await introspect(refreshToken)).json).toEqual({ active: false });
    await setUserDisabled(false);
    expect((await introspect(refreshToken)).json).toMatchObject({ active: true });
  });
});
