import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/admin/admin_errors.js';
import { registerOAuthClient, updateOAuthClient } from '../../src/core/admin/oauth_clients.js';
import { DEFAULT_ACCESS_TOKEN_CHECK_WINDOW_MS } from '../../src/core/oauth/access_token_check_cache.js';
import { get } from '../support/http_client.js';
import {
  codeFlowTokens,
  createClient,
  createPasswordUser,
  type FlowTokens,
  refresh,
  type TestClient,
  type TestUser,
} from '../support/oauth_fixtures.js';
import { startTestServer, type TestServer } from '../support/start_test_server.js';
import { postToken } from '../support/token_client.js';

/**
 * What a client may learn or do with another client's tokens: introspection (RFC 7662 §4)
 * tells a client only about its own tokens unless it may introspect any token; revocation
 * (RFC 7009 §2.1) and refresh (O-9) by another client leave the token as it was.
 */
let server: TestServer;
let user: TestUser;
let owner: TestClient;
let other: TestClient;
let resourceServer: TestClient;
beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  user = await createPasswordUser(server);
  owner = await createClient(server, { name: 'Owner', skipConsent: true });
  other = await createClient(server, { name: 'Other', skipConsent: true });
  resourceServer = await createClient(server, {
    name: 'Documents API',
    redirectUris: [],
    grantTypes: ['client_credentials'],
    introspectAnyToken: true,
  });
});
afterAll(() => server.close());

const asClient = (client: TestClient, path: string, params: Record<string, string>) =>
  postToken(server, params, {
    path,
    basic: { id: client.clientId, secret: client.clientSecret ?? '' },
  });
const introspect = (client: TestClient, token: string, hint?: string) =>
  asClient(client, '/oauth/introspect', {
    token,
    ...(hint === undefined ? {} : { token_type_hint: hint }),
  });
const revoke = (client: TestClient, token: string) => asClient(client, '/oauth/revoke', { token });
const me = (token: string) => get(`${server.url}/api/v1/me`, { authorization: `Bearer ${token}` });
const ownerTokens = (): Promise<FlowTokens> => codeFlowTokens(server, owner, user);

describe('introspection', () => {
  it("a confidential client introspecting another client's tokens learned everything about them: now {active: false}", async () => {
    const tokens = await ownerTokens();
    for (const [token, hint] of [
      [tokens.accessToken, undefined],
      [tokens.accessToken, 'access_token'],
      [tokens.refreshToken, undefined],
      [tokens.refreshToken, 'refresh_token'],
    ] as const) {
      const answer = await introspect(other, token, hint);
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ active: false });
      // Exactly what an unknown token gets: nothing tells the token exists.
      expect(answer.text).toBe((await introspect(other, `${token}x`, hint)).text);
    }
  });

  it('a public client, which holds no secret, may not introspect at all', async () => {
    const app = await createClient(server, { name: 'Browser App', public: true });
    const tokens = await codeFlowTokens(server, app, user);
    const answer = await postToken(
      server,
      { token: tokens.accessToken, client_id: app.clientId },
      { path: '/oauth/introspect' },
    );
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ error: 'invalid_client' });
    expect(answer.headers['www-authenticate']).toMatch(/^Basic realm=/);
  });

  it('the owner still learns about its own tokens', async () => {
    const tokens = await ownerTokens();
    expect((await introspect(owner, tokens.accessToken)).json).toMatchObject({
      active: true,
      token_type: 'access_token',
      client_id: owner.clientId,
    });
    expect((await introspect(owner, tokens.refreshToken)).json).toMatchObject({
      active: true,
      token_type: 'refresh_token',
      client_id: owner.clientId,
    });
  });

  it("a client allowed to introspect any token (a resource server) learns about every client's tokens", async () => {
    const tokens = await ownerTokens();
    for (const token of [tokens.accessToken, tokens.refreshToken]) {
      expect((await introspect(resourceServer, token)).json).toMatchObject({
        active: true,
        client_id: owner.clientId,
        sub: expect.any(String),
      });
    }
  });

  it('the permission granted and withdrawn by update takes effect on the next request', async () => {
    const tokens = await ownerTokens();
    const probe = await createClient(server, { name: 'Probe', skipConsent: true });
    expect((await introspect(probe, tokens.accessToken)).json).toEqual({ active: false });
    await updateOAuthClient(server, probe.clientId, { introspectAnyToken: true });
    expect((await introspect(probe, tokens.accessToken)).json).toMatchObject({ active: true });
    await updateOAuthClient(server, probe.clientId, { introspectAnyToken: false });
    expect((await introspect(probe, tokens.accessToken)).json).toEqual({ active: false });
  });

  it('a public client cannot be given the permission', async () => {
    const settings = { name: 'SPA', redirectUris: ['http://127.0.0.1:9/spa'], public: true };
    await expect(
      registerOAuthClient(server, { ...settings, introspectAnyToken: true }),
    ).rejects.toBeInstanceOf(InvalidInputError);
    const { client } = await registerOAuthClient(server, settings);
    await expect(
      updateOAuthClient(server, client.clientId, { introspectAnyToken: true }),
    ).rejects.toThrow(/public client cannot introspect/);
  });
});

describe("revocation of another client's token (RFC 7009 §2.1)", () => {
  it('answers 200 but the refresh token and its family stay valid', async () => {
    const tokens = await ownerTokens();
    for (const client of [other, resourceServer]) {
      const answer = await revoke(client, tokens.refreshToken);
      expect(answer.status).toBe(200);
    }
    server.clock.advance(DEFAULT_ACCESS_TOKEN_CHECK_WINDOW_MS);
    expect((await me(tokens.accessToken)).status).toBe(200);
    expect((await introspect(owner, tokens.refreshToken)).json).toMatchObject({ active: true });
    expect((await refresh(server, owner, tokens.refreshToken)).status).toBe(200);
  });

  it('answers 200 but the access token keeps working', async () => {
    const tokens = await ownerTokens();
    for (const client of [other, resourceServer]) {
      expect((await revoke(client, tokens.accessToken)).status).toBe(200);
    }
    server.clock.advance(DEFAULT_ACCESS_TOKEN_CHECK_WINDOW_MS);
    expect((await me(tokens.accessToken)).status).toBe(200);
    expect((await introspect(owner, tokens.accessToken)).json).toMatchObject({ active: true });
  });

  it('the owner revoking its own tokens ends them (the control case)', async () => {
    const tokens = await ownerTokens();
    expect((await revoke(owner, tokens.accessToken)).status).toBe(200);
    expect((await me(tokens.accessToken)).status).toBe(401);
    expect((await revoke(owner, tokens.refreshToken)).status).toBe(200);
    expect((await refresh(server, owner, tokens.refreshToken)).status).toBe(400);
  });
});

describe("refresh with another client's refresh token (O-9)", () => {
  it('is invalid_grant and neither uses the token up nor revokes its family', async () => {
    const tokens = await ownerTokens();
    const stolen = await refresh(server, other, tokens.refreshToken);
    expect(stolen.status).toBe(400);
    expect(stolen.json).toMatchObject({ error: 'invalid_grant' });
    server.clock.advance(DEFAULT_ACCESS_TOKEN_CHECK_WINDOW_MS);
    expect((await me(tokens.accessToken)).status).toBe(200);
    expect((await refresh(server, owner, tokens.refreshToken)).status).toBe(200);
  });
});
