import { createHash, randomInt } from 'node:crypto';
import { parseWsseHeader } from '@keygate/wsse';
import { createUsernameTokenSync } from '@keygate/wsse/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsernameToken } from 'wsse';
import { get } from '../support/http_client.js';
import { createClient, type TestClient } from '../support/oauth_fixtures.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
} from '../support/start_test_server.js';
import { postToken } from '../support/token_client.js';

/** Acceptance 2 of the OAuth issue: the api_keys grant (O-8), sharing the WSSE replay store (W-6). */
let server: TestServer;
let apiKey: SeededCredential;
let client: TestClient;
beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  server.clock.set(Date.now());
  apiKey = await seedCredential(server, 'robot', 'acme');
  client = await createClient(server, {
    name: 'Headless integration',
    redirectUris: [],
    grantTypes: ['api_keys'],
  });
});
afterAll(() => server.close());

/** The payload of the Node example in penneo-oauth.txt, built with npm wsse exactly as there. */
function nodeExamplePayload() {
  const token = new UsernameToken({ username: apiKey.key, password: apiKey.secret });
  return {
    client_id: client.clientId,
    client_secret: client.clientSecret ?? '',
    grant_type: 'api_keys',
    key: apiKey.key,
    nonce: token.getNonceBase64(),
    created_at: token.getCreated(),
    digest: token.getPasswordDigest(),
  };
}

/** The payload of the C# example: a 64-character raw nonce, hashed raw, sent base64. */
function csharpExamplePayload() {
  const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const nonce = Array.from({ length: 64 }, () => chars[randomInt(chars.length)]).join('');
  const created = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const digest = createHash('sha1')
    .update(Buffer.from(nonce + created + apiKey.secret, 'utf8'))
    .digest('base64');
  return {
    client_id: client.clientId,
    client_secret: client.clientSecret ?? '',
    grant_type: 'api_keys',
    key: apiKey.key,
    nonce: Buffer.from(nonce, 'utf8').toString('base64'),
    created_at: created,
    digest,
  };
}

describe('the documented clients', () => {
  it.each([
    ['Node example (npm wsse), JSON body', nodeExamplePayload, true],
    ['C# example, JSON body', csharpExamplePayload, true],
    ['Node example, form body', nodeExamplePayload, false],
  ])(
    '%s → a token for the key’s user and organization, no refresh token',
    async (_label, build, json) => {
      const response = await postToken(server, build(), { json });
      expect(response.status, response.text).toBe(200);
      const body = response.json as Record<string, unknown>;
      expect(body.token_type).toBe('bearer');
      expect(body).not.toHaveProperty('refresh_token');
      expect(body).not.toHaveProperty('refresh_token_expires_at');
      const me = await get(`${server.url}/api/v1/me`, {
        authorization: `Bearer ${String(body.access_token)}`,
      });
      expect(me.json).toMatchObject({
        user: { login: 'robot' },
        organization: { name: 'acme' },
        client: { id: client.clientId },
        scheme: 'bearer',
      });
    },
  );
});

describe('replay protection shared with WSSE (W-6)', () => {
  it('the same body twice → invalid_grant', async () => {
    const payload = nodeExamplePayload();
    expect((await postToken(server, payload, { json: true })).status).toBe(200);
    const again = await postToken(server, payload, { json: true });
    expect(again.status).toBe(400);
    expect(again.json).toMatchObject({ error: 'invalid_grant' });
    expect((again.json as { error_description: string }).error_description).toMatch(
      /nonce_replayed/,
    );
  });

  it("a captured X-WSSE header's nonce, created and digest replayed as a grant → invalid_grant", async () => {
    const { header } = createUsernameTokenSync({
      username: apiKey.key,
      secret: apiKey.secret,
      now: () => new Date(server.clock.now()),
    });
    expect((await get(`${server.url}/api/v1/me`, { 'X-WSSE': header })).status).toBe(200);
    const parsed = parseWsseHeader(header);
    if (!parsed.ok) throw new Error('header did not parse');
    const replay = await postToken(server, {
      client_id: client.clientId,
      client_secret: client.clientSecret ?? '',
      grant_type: 'api_keys',
      key: apiKey.key,
      nonce: parsed.token.nonce,
      created_at: parsed.token.created,
      digest: parsed.token.passwordDigest,
    });
    expect(replay.status).toBe(400);
    expect(replay.json).toMatchObject({ error: 'invalid_grant' });
  });

  it('and the reverse: a grant body replayed as an X-WSSE header → nonce_replayed', async () => {
    const payload = nodeExamplePayload();
    expect((await postToken(server, payload)).status).toBe(200);
    const header = `UsernameToken Username="${payload.key}", PasswordDigest="${payload.digest}", Nonce="${payload.nonce}", Created="${payload.created_at}"`;
    const response = await get(`${server.url}/api/v1/me`, { 'X-WSSE': header });
    expect(response.status).toBe(401);
    expect(response.json).toMatchObject({ error: 'nonce_replayed' });
  });
});

describe('client rules', () => {
  it('a wrong client secret → 401 invalid_client; via Basic also a Basic challenge', async () => {
    const body = { ...nodeExamplePayload(), client_secret: 'wrong' };
    const inBody = await postToken(server, body);
    expect(inBody.status).toBe(401);
    expect(inBody.json).toMatchObject({ error: 'invalid_client' });
    const { client_id: _id, client_secret: _secret, ...rest } = nodeExamplePayload();
    const basic = await postToken(server, rest, {
      basic: { id: client.clientId, secret: 'wrong' },
    });
    expect(basic.status).toBe(401);
    expect(basic.headers['www-authenticate']).toBe('Basic realm="keygate"');
  });

  it('HTTP Basic with the right secret works', async () => {
    const { client_id: _id, client_secret: _secret, ...rest } = nodeExamplePayload();
    const basic = await postToken(server, rest, {
      basic: { id: client.clientId, secret: client.clientSecret ?? '' },
    });
    expect(basic.status).toBe(200);
  });

  it('a client not registered for api_keys → unauthorized_client', async () => {
    const codeClient = await createClient(server, { name: 'Code only' });
    const response = await postToken(server, {
      ...nodeExamplePayload(),
      client_id: codeClient.clientId,
      client_secret: codeClient.clientSecret ?? '',
    });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: 'unauthorized_client' });
  });

  it('unknown grant types and malformed bodies are clear 4xx errors', async () => {
    const unknown = await postToken(server, { ...nodeExamplePayload(), grant_type: 'password' });
    expect(unknown.json).toMatchObject({ error: 'unsupported_grant_type' });
    const missing = await postToken(server, { ...nodeExamplePayload(), digest: '' });
    expect(missing.json).toMatchObject({ error: 'invalid_request' });
    const nested = await postToken(
      server,
      { grant_type: 'api_keys' },
      { json: true, path: '/oauth/token' },
    );
    expect(nested.status).toBe(400);
  });
});
