import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { rotateSigningKeys } from '../../src/core/signing_keys/rotate_signing_keys.js';
import { get } from '../support/http_client.js';
import { createClient, type TestClient } from '../support/oauth_fixtures.js';
import { startTestServer, type TestServer } from '../support/start_test_server.js';
import { postToken } from '../support/token_client.js';

/** Acceptance 8 of the OAuth issue: key rotation (O-11) as seen through HTTP. */
let server: TestServer;
let client: TestClient;
beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  client = await createClient(server, {
    name: 'Service',
    redirectUris: [],
    grantTypes: ['client_credentials'],
  });
});
afterAll(() => server.close());

async function accessToken(): Promise<string> {
  const response = await postToken(server, {
    grant_type: 'client_credentials',
    client_id: client.clientId,
    client_secret: client.clientSecret ?? '',
  });
  expect(response.status).toBe(200);
  return String((response.json as { access_token: string }).access_token);
}

const me = (token: string) => get(`${server.url}/api/v1/me`, { authorization: `Bearer ${token}` });
const jwks = async () =>
  (await get(`${server.url}/oauth/token/jwks`)).json as { keys: Record<string, unknown>[] };

it('publishes the new key first, signs with it after the announce period, keeps the old one verifying', async () => {
  const before = await accessToken();
  const oldKid = decodeProtectedHeader(before).kid;
  const rotation = await rotateSigningKeys(server, { announceSeconds: 120 });

  // Processes reload keys every 30 s: after that the new key is published but not signing.
  server.clock.advance(31_000);
  const published = (await jwks()).keys.map((k) => k.kid);
  expect(published).toEqual(expect.arrayContaining([oldKid, rotation.key.kid]));
  expect(decodeProtectedHeader(await accessToken()).kid).toBe(oldKid);

  // After the announce period the new key signs; the old token still works until it expires.
  server.clock.advance(120_000);
  const after = await accessToken();
  expect(decodeProtectedHeader(after).kid).toBe(rotation.key.kid);
  expect((await me(before)).status).toBe(200);
  expect((await me(after)).status).toBe(200);
  expect((await jwks()).keys.map((k) => k.kid)).toContain(oldKid);

  // Past the old token's expiry it stops working; the new one lives on.
  server.clock.advance(3600_000);
  expect((await me(before)).status).toBe(401);
});

it('the JWKS never contains private parameters', async () => {
  await rotateSigningKeys(server, { announceSeconds: 0 });
  for (const path of ['/oauth/token/jwks', '/.well-known/jwks.json']) {
    const response = await get(`${server.url}${path}`);
    expect(response.status).toBe(200);
    const { keys } = response.json as { keys: Record<string, unknown>[] };
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const key of keys) {
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'])
        expect(key).not.toHaveProperty(secret);
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    }
  }
});
