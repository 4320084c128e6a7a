import { afterEach, beforeEach, expect, it } from 'vitest';
import { authorizeThroughForms } from '../support/form_browser.js';
import { get } from '../support/http_client.js';
import {
  authorizeUrl,
  createClient,
  createPasswordUser,
  refresh,
  type TestClient,
  type TestUser,
} from '../support/oauth_fixtures.js';
import { startTestServer, type TestServer } from '../support/start_test_server.js';
import { postToken } from '../support/token_client.js';

/** Acceptance 5 of the OAuth issue: authorization codes (O-5). */
let server: TestServer;
let user: TestUser;
let client: TestClient;
beforeEach(async () => {
  server = await startTestServer({ store: 'sqlite' });
  user = await createPasswordUser(server);
  client = await createClient(server);
});
afterEach(() => server.close());

async function freshCode() {
  const { url, verifier } = authorizeUrl(server, client);
  const { redirect } = await authorizeThroughForms(url, user);
  return { code: redirect.searchParams.get('code') ?? '', verifier };
}

function redeem(code: string, verifier: string) {
  return postToken(server, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: client.redirectUri,
    code_verifier: verifier,
    client_id: client.clientId,
    client_secret: client.clientSecret ?? '',
  });
}

it('a code redeemed at 61 s is expired (at 59 s it works)', async () => {
  const late = await freshCode();
  const early = await freshCode();
  server.clock.advance(59_000);
  expect((await redeem(early.code, early.verifier)).status).toBe(200);
  server.clock.advance(2_000);
  const response = await redeem(late.code, late.verifier);
  expect(response.status).toBe(400);
  expect(response.json).toMatchObject({ error: 'invalid_grant' });
});

it('redeemed twice: the second fails and the first pair stops working', async () => {
  const { code, verifier } = await freshCode();
  const first = await redeem(code, verifier);
  expect(first.status).toBe(200);
  const tokens = first.json as { access_token: string; refresh_token: string };
  const second = await redeem(code, verifier);
  expect(second.status).toBe(400);
  expect(second.json).toMatchObject({ error: 'invalid_grant' });
  expect((await refresh(server, client, tokens.refresh_token)).json).toMatchObject({
    error: 'invalid_grant',
  });
  const api = await get(`${server.url}/api/v1/me`, {
    authorization: `Bearer ${tokens.access_token}`,
  });
  expect(api.status).toBe(401);
});

it('50 concurrent redemptions: exactly one success, no 5xx', async () => {
  const { code, verifier } = await freshCode();
  const responses = await Promise.all(Array.from({ length: 50 }, () => redeem(code, verifier)));
  const statuses = responses.map((r) => r.status);
  expect(statuses.filter((s) => s >= 500)).toEqual([]);
  expect(statuses.filter((s) => s === 200)).toHaveLength(1);
  expect(statuses.filter((s) => s === 400)).toHaveLength(49);
});

it('a second redemption that ends the family while the first is in flight: the first still wins', async () => {
  const { code, verifier } = await freshCode();
  // Hold the first redemption just after it consumed the code, until the second has answered
  // (and revoked the family): the interleaving two processes can produce under load.
  const codes = server.store.authorizationCodes;
  const consume = codes.consume.bind(codes);
  let releaseFirst: () => void = () => {};
  const secondAnswered = new Promise<void>((resolve) => {
    releaseFirst = resolve;
  });
  codes.consume = async (hash, now) => {
    const result = await consume(hash, now);
    if (result.outcome === 'consumed') await secondAnswered;
    return result;
  };
  try {
    const first = redeem(code, verifier);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await redeem(code, verifier);
    releaseFirst();
    expect(second.status).toBe(400);
    const winner = await first;
    expect(winner.status, winner.text).toBe(200);
    // …and O-5's revocation reaches the tokens it was issued.
    const tokens = winner.json as { access_token: string; refresh_token: string };
    const api = await get(`${server.url}/api/v1/me`, {
      authorization: `Bearer ${tokens.access_token}`,
    });
    expect(api.status).toBe(401);
    expect((await refresh(server, client, tokens.refresh_token)).json).toMatchObject({
      error: 'invalid_grant',
    });
  } finally {
    codes.consume = consume;
  }
});

it('the code is bound to its client and redirect_uri', async () => {
  const other = await createClient(server, { name: 'Other' });
  const stolen = await freshCode();
  const byOther = await postToken(server, {
    grant_type: 'authorization_code',
    code: stolen.code,
    redirect_uri: client.redirectUri,
    code_verifier: stolen.verifier,
    client_id: other.clientId,
    client_secret: other.clientSecret ?? '',
  });
  expect(byOther.json).toMatchObject({ error: 'invalid_grant' });
  const wrongUri = await freshCode();
  const response = await postToken(server, {
    grant_type: 'authorization_code',
    code: wrongUri.code,
    redirect_uri: `${client.redirectUri}/`,
    code_verifier: wrongUri.verifier,
    client_id: client.clientId,
    client_secret: client.clientSecret ?? '',
  });
  expect(response.json).toMatchObject({ error: 'invalid_grant' });
});
