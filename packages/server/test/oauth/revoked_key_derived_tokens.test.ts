import { dirname } from 'node:path';
import { createUsernameTokenSync } from '@keygate/wsse/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsernameToken } from 'wsse';
import { DEFAULT_ACCESS_TOKEN_CHECK_WINDOW_MS } from '../../src/core/oauth/access_token_check_cache.js';
import { get } from '../support/http_client.js';
import { createClient, type TestClient } from '../support/oauth_fixtures.js';
import { runCliInProcess } from '../support/run_cli_in_process.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
} from '../support/start_test_server.js';
import { postToken } from '../support/token_client.js';
import { waitUntil } from '../support/wait_until.js';

/**
 * Hardening item 5: tokens made from an API key — the api_keys grant's access token and
 * the legacy JWT from `GET /api/v1/auth/token` — used to keep working on keygate's routes
 * until they expired (up to 3600 s) after `keygate apikey revoke`, `disable` or `reset`. The
 * key is changed by the CLI over its own connection to the SQLite file, as an operator would;
 * the frozen clock is moved past the Bearer check window (what R-3 allows, at most 5 s) and the
 * token is then polled until it is refused.
 */
const WINDOW = DEFAULT_ACCESS_TOKEN_CHECK_WINDOW_MS;

let server: TestServer;
let apiKey: SeededCredential;
let client: TestClient;
let env: Record<string, string>;
beforeEach(async () => {
  server = await startTestServer({ store: 'sqlite' });
  server.clock.set(Date.now());
  apiKey = await seedCredential(server, 'robot', 'acme');
  client = await createClient(server, {
    name: 'Headless integration',
    redirectUris: [],
    grantTypes: ['api_keys'],
  });
  env = { KEYGATE_DATA_DIR: dirname(server.sqliteFile ?? '') };
});
afterEach(() => server.close());

async function accessToken(secret = apiKey.secret): Promise<string> {
  const token = new UsernameToken({ username: apiKey.key, password: secret });
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
  expect(issued.status, issued.text).toBe(200);
  return (issued.json as { access_token: string }).access_token;
}

async function legacyJwt(secret = apiKey.secret): Promise<string> {
  const { header } = createUsernameTokenSync({
    username: apiKey.key,
    secret,
    now: () => new Date(server.clock.now()),
  });
  const issued = await get(`${server.url}/api/v1/auth/token`, { 'X-WSSE': header });
  expect(issued.status, issued.text).toBe(200);
  return (issued.json as { token: string }).token;
}

const withBearer = (token: string) =>
  get(`${server.url}/api/v1/me`, { authorization: `Bearer ${token}` });
const withLegacy = (token: string) => get(`${server.url}/api/v1/me`, { 'x-auth-token': token });

async function keygate(...args: string[]): Promise<unknown> {
  const result = await runCliInProcess([...args, '--json'], { env });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

/** Steps past the window R-3 allows, then polls until the token is refused. */
async function expectRefused(what: string, call: () => ReturnType<typeof get>): Promise<void> {
  server.clock.advance(WINDOW);
  const refused = await waitUntil(what, async () => {
    const response = await call();
    return response.status === 401 ? response : null;
  });
  expect(refused.json).toMatchObject({ error: 'invalid_token' });
}

describe('tokens made from an API key end with the key (R-3)', () => {
  it('apikey revoke: the api_keys access token and the legacy JWT are refused', async () => {
    const bearer = await accessToken();
    const legacy = await legacyJwt();
    expect((await withBearer(bearer)).status).toBe(200);
    expect((await withLegacy(legacy)).status).toBe(200);

    await keygate('apikey', 'revoke', apiKey.key);

    await expectRefused('the access token to be refused', () => withBearer(bearer));
    await expectRefused('the legacy JWT to be refused', () => withLegacy(legacy));
  });

  it('apikey disable: both are refused, and work again once the key is enabled', async () => {
    const bearer = await accessToken();
    const legacy = await legacyJwt();
    expect((await withBearer(bearer)).status).toBe(200);

    await keygate('apikey', 'disable', apiKey.key);
    await expectRefused('the access token to be refused', () => withBearer(bearer));
    await expectRefused('the legacy JWT to be refused', () => withLegacy(legacy));

    await keygate('apikey', 'enable', apiKey.key);
    server.clock.advance(WINDOW);
    expect((await withBearer(bearer)).status).toBe(200);
    expect((await withLegacy(legacy)).status).toBe(200);
  });

  it('apikey reset: tokens from the old secret are refused, tokens from the new one work', async () => {
    const bearer = await accessToken();
    const legacy = await legacyJwt();
    expect((await withBearer(bearer)).status).toBe(200);

    const reset = (await keygate('apikey', 'reset', apiKey.key)) as { secret: string };

    await expectRefused('the old access token to be refused', () => withBearer(bearer));
    await expectRefused('the old legacy JWT to be refused', () => withLegacy(legacy));
    expect((await withBearer(await accessToken(reset.secret))).status).toBe(200);
    expect((await withLegacy(await legacyJwt(reset.secret))).status).toBe(200);
  });

  it('introspection reports an access token of a revoked key as inactive', async () => {
    const bearer = await accessToken();
    const introspect = () =>
      postToken(
        server,
        { token: bearer, client_id: client.clientId, client_secret: client.clientSecret ?? '' },
        { path: '/oauth/introspect' },
      );
    expect((await introspect()).json).toMatchObject({ active: true });
    await keygate('apikey', 'revoke', apiKey.key);
    expect((await introspect()).json).toEqual({ active: false });
  });
});
