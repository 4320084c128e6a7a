import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { updateOAuthClient } from '../../src/core/admin/oauth_clients.js';
import { get } from '../support/http_client.js';
import {
  codeFlowTokens,
  createClient,
  createPasswordUser,
  refresh,
  type TestClient,
  type TestUser,
} from '../support/oauth_fixtures.js';
import { startTestServer, type TestServer } from '../support/start_test_server.js';

/** Acceptance 6 of the OAuth issue: refresh tokens (O-9) and revocation reaching the API. */
let server: TestServer;
let user: TestUser;
let client: TestClient;
beforeEach(async () => {
  server = await startTestServer({ store: 'sqlite' });
  user = await createPasswordUser(server);
  client = await createClient(server);
});
afterEach(() => server.close());

const me = (accessToken: string) =>
  get(`${server.url}/api/v1/me`, { authorization: `Bearer ${accessToken}` });

describe('single use', () => {
  it('R1 → R2, then R1 again: invalid_grant, and R2 and its access token are revoked', async () => {
    const first = await codeFlowTokens(server, client, user);
    const second = await refresh(server, client, first.refreshToken);
    expect(second.status).toBe(200);
    const r2 = second.json as { refresh_token: string; access_token: string };
    expect(r2.refresh_token).not.toBe(first.refreshToken);
    expect((await me(r2.access_token)).status).toBe(200);

    const replay = await refresh(server, client, first.refreshToken);
    expect(replay.status).toBe(400);
    expect(replay.json).toMatchObject({ error: 'invalid_grant' });
    const afterReplay = await refresh(server, client, r2.refresh_token);
    expect(afterReplay.json).toMatchObject({ error: 'invalid_grant' });
    const api = await me(r2.access_token);
    expect(api.status).toBe(401);
    expect(api.json).toMatchObject({ error: 'invalid_token' });
    expect(String(api.headers['www-authenticate'])).toMatch(
      /^Bearer realm="keygate", error="invalid_token"/,
    );
  });

  it('50 concurrent refreshes of one token: exactly one new pair, no 5xx', async () => {
    const { refreshToken } = await codeFlowTokens(server, client, user);
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => refresh(server, client, refreshToken)),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(49);
    // The race counts as reuse: the family is revoked, the one new pair included.
    const winner = responses.find((r) => r.status === 200)?.json as { refresh_token: string };
    expect((await refresh(server, client, winner.refresh_token)).json).toMatchObject({
      error: 'invalid_grant',
    });
  });
});

describe('scope and lifetime', () => {
  it('asking for a broader scope than granted: invalid_scope (the token stays usable)', async () => {
    const { refreshToken } = await codeFlowTokens(server, client, user);
    const broader = await refresh(server, client, refreshToken, {
      scope: 'documents:read documents:write',
    });
    expect(broader.status).toBe(400);
    expect(broader.json).toMatchObject({ error: 'invalid_scope' });
    expect((await refresh(server, client, refreshToken)).status).toBe(200);
  });

  it("the client's allowed scopes changed: invalid_grant", async () => {
    const { refreshToken } = await codeFlowTokens(server, client, user);
    await updateOAuthClient(server, client.clientId, { scopes: ['documents:read'] });
    const response = await refresh(server, client, refreshToken);
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: 'invalid_grant' });
  });

  it('after 432000 s (frozen clock): invalid_grant; just before: fine', async () => {
    const early = await codeFlowTokens(server, client, user);
    const late = await codeFlowTokens(server, client, user);
    server.clock.advance((432000 - 1) * 1000);
    expect((await refresh(server, client, early.refreshToken)).status).toBe(200);
    server.clock.advance(2 * 1000);
    const expired = await refresh(server, client, late.refreshToken);
    expect(expired.status).toBe(400);
    expect(expired.json).toMatchObject({ error: 'invalid_grant' });
  });

  it('a refresh token of another client is refused', async () => {
    const other = await createClient(server, { name: 'Other App' });
    const { refreshToken } = await codeFlowTokens(server, client, user);
    expect((await refresh(server, other, refreshToken)).json).toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('an access token presented as a refresh token is refused', async () => {
    const { accessToken } = await codeFlowTokens(server, client, user);
    expect((await refresh(server, client, accessToken)).json).toMatchObject({
      error: 'invalid_grant',
    });
  });
});

describe('refreshReuseIntervalSeconds (O-9)', () => {
  it('inside the interval the predecessor gets the identical response; after the successor is used it is a replay', async () => {
    const lenient = await startTestServer({
      store: 'sqlite',
      config: { oauth: { refreshReuseIntervalSeconds: 10 } },
    });
    try {
      const lenientUser = await createPasswordUser(lenient);
      const lenientClient = await createClient(lenient);
      const { refreshToken } = await codeFlowTokens(lenient, lenientClient, lenientUser);
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => refresh(lenient, lenientClient, refreshToken)),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(new Set(responses.map((r) => r.text)).size).toBe(1);
      const successor = String(
        (responses[0]?.json as { refresh_token?: string } | undefined)?.refresh_token,
      );
      expect((await refresh(lenient, lenientClient, successor)).status).toBe(200);
      const stale = await refresh(lenient, lenientClient, refreshToken);
      expect(stale.json).toMatchObject({ error: 'invalid_grant' });
    } finally {
      await lenient.close();
    }
  });
});
