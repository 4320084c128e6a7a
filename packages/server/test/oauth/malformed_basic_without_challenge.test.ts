import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, createPasswordUser, type TestClient } from '../support/oauth_fixtures.js';
import { startTestServer, type TestServer } from '../support/start_test_server.js';

/**
 * RFC 6749 §5.2 (O-6): a client that tried HTTP Basic and failed, malformed credentials
 * included, gets 401 `invalid_client` with `WWW-Authenticate: Basic`; so does every other 401
 * of the token, revocation and introspection endpoints. One authentication method per request.
 */
let server: TestServer;
let client: TestClient;
beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  await createPasswordUser(server);
  client = await createClient(server, {
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
  });
});
afterAll(() => server.close());

const ENDPOINTS = [
  ['/oauth/token', { grant_type: 'client_credentials', scope: 'documents:read' }],
  ['/oauth/revoke', { token: 'not-a-token' }],
  ['/oauth/introspect', { token: 'not-a-token' }],
] as const;

async function post(path: string, body: Record<string, string>, authorization?: string) {
  const response = await request(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: new URLSearchParams(body).toString(),
  });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    challenge: response.headers['www-authenticate'],
    json: JSON.parse(text) as Record<string, unknown>,
  };
}

const base64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
const credentials = () => `${client.clientId}:${client.clientSecret}`;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The same bytes with a padding bit set: lenient decoders ignore it, canonical base64 has 0. */
function withTrailingBits(encoded: string): string {
  const at = encoded.indexOf('=') - 1;
  const last = ALPHABET[ALPHABET.indexOf(encoded.charAt(at)) + 1] ?? '';
  return `${encoded.slice(0, at)}${last}${encoded.slice(at + 1)}`;
}

describe.each(ENDPOINTS)('%s', (path, body) => {
  it('valid Basic credentials are accepted (the control case)', async () => {
    const response = await post(path, body, `Basic ${base64(credentials())}`);
    expect(response.status).toBe(200);
  });

  it.each([
    ['no colon', () => `Basic ${base64(`${client.clientId}${client.clientSecret}`)}`],
    ['characters outside base64', () => `Basic ${base64(credentials()).slice(0, -4)}!!!!`],
    ['the padding left off', () => `Basic ${base64(credentials()).replace(/=+$/, '')}`],
    ['non-zero trailing bits', () => `Basic ${withTrailingBits(base64(credentials()))}`],
    ['two tokens', () => `Basic ${base64(credentials())} ${base64(credentials())}`],
    ['nothing after Basic', () => 'Basic'],
    ['an empty client id', () => `Basic ${base64(`:${client.clientSecret}`)}`],
    ['a broken percent-encoding in the id', () => `Basic ${base64(`%zz:${client.clientSecret}`)}`],
    ['a broken percent-encoding in the secret', () => `Basic ${base64(`${credentials()}%`)}`],
    ['bytes that are not UTF-8', () => `Basic ${base64(Buffer.from([0xff, 0x3a, 0x61]))}`],
  ])(
    'malformed Basic (%s) → 401 invalid_client with the Basic challenge',
    async (_label, header) => {
      const response = await post(path, body, header());
      expect(response.status).toBe(401);
      expect(response.json.error).toBe('invalid_client');
      expect(response.challenge).toBe('Basic realm="keygate"');
    },
  );

  it('a wrong secret in the body → 401 with the Basic challenge too', async () => {
    const response = await post(path, {
      ...body,
      client_id: client.clientId,
      client_secret: 'wrong',
    });
    expect(response.status).toBe(401);
    expect(response.json.error).toBe('invalid_client');
    expect(response.challenge).toBe('Basic realm="keygate"');
  });

  it('Basic and a body client_secret together → 400 invalid_request (one method only)', async () => {
    const response = await post(
      path,
      { ...body, client_secret: String(client.clientSecret) },
      `Basic ${base64(credentials())}`,
    );
    expect(response.status).toBe(400);
    expect(response.json.error).toBe('invalid_request');
  });

  it('Basic and a body client_id naming another client → 400 invalid_request', async () => {
    const response = await post(
      path,
      { ...body, client_id: 'someone-else' },
      `Basic ${base64(credentials())}`,
    );
    expect(response.status).toBe(400);
    expect(response.json.error).toBe('invalid_request');
  });
});

describe.each(ENDPOINTS.slice(1))('%s without any client authentication', (path, body) => {
  it('→ 401 invalid_client with the Basic challenge', async () => {
    const response = await post(path, body);
    expect(response.status).toBe(401);
    expect(response.json.error).toBe('invalid_client');
    expect(response.challenge).toBe('Basic realm="keygate"');
  });
});
