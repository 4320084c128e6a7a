import { createUsernameTokenSync } from '@keygate/wsse/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeThroughForms } from '../support/form_browser.js';
import { get } from '../support/http_client.js';
import {
  authorizeUrl,
  codeFlowTokens,
  createClient,
  createPasswordUser,
  refresh,
  type TestClient,
  type TestUser,
} from '../support/oauth_fixtures.js';
import { requirePostgres } from '../support/scratch_postgres.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
} from '../support/start_test_server.js';
import { postToken } from '../support/token_client.js';

const available = await requirePostgres();

/**
 * S-2 through the whole HTTP stack on PostgreSQL, in one process: the single-use rules W-6
 * (nonce), O-5 (code) and O-9 (refresh token) hold under 50 concurrent requests, which the pool
 * runs on several connections at once, and a race never turns into a 5xx.
 */
describe.runIf(available)('single-use rules over HTTP on PostgreSQL', () => {
  let server: TestServer;
  let alice: SeededCredential;
  let user: TestUser;
  let client: TestClient;
  beforeAll(async () => {
    server = await startTestServer({ store: 'postgres' });
    server.clock.set(Date.now());
    alice = await seedCredential(server);
    user = await createPasswordUser(server);
    client = await createClient(server);
  });
  afterAll(() => server?.close());

  it('W-6: the same WSSE header 50 times at once: exactly one 200, the rest nonce_replayed', async () => {
    const { header } = createUsernameTokenSync({
      username: alice.key,
      secret: alice.secret,
      now: () => new Date(server.clock.now()),
    });
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => get(`${server.url}/api/v1/me`, { 'X-WSSE': header })),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    const refused = responses.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(49);
    for (const r of refused) {
      expect(r.status).toBe(401);
      expect(r.json).toMatchObject({ error: 'nonce_replayed' });
    }
  });

  it('O-5: one authorization code redeemed 50 times at once: exactly one success, no 5xx', async () => {
    const { url, verifier } = authorizeUrl(server, client);
    const { redirect } = await authorizeThroughForms(url, user);
    const code = redirect.searchParams.get('code') ?? '';
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        postToken(server, {
          grant_type: 'authorization_code',
          code,
          redirect_uri: client.redirectUri,
          code_verifier: verifier,
          client_id: client.clientId,
          client_secret: client.clientSecret ?? '',
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(49);
  });

  it('O-9: one refresh token redeemed 50 times at once: exactly one new pair, no 5xx', async () => {
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
