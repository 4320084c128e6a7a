import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postLegacy } from '../legacy/legacy_client.js';
import { createClient, createPasswordUser, type TestClient } from '../support/oauth_fixtures.js';
import { startTestServer, type TestServer } from '../support/start_test_server.js';
import { postToken } from '../support/token_client.js';

/**
 * Issue 11, defect 10: a key repeated in a JSON body was accepted at the token endpoint (the
 * last one won) while a repeated form field was refused. One rule now holds for every JSON
 * body: a repeated key is a 400 `invalid_request`, as a repeated form field is.
 */
let server: TestServer;
let client: TestClient;
beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  await createPasswordUser(server, 'carol', 'acme', 'carol password 1');
  client = await createClient(server, { grantTypes: ['client_credentials'], redirectUris: [] });
});
afterAll(() => server.close());

async function postJsonText(path: string, text: string) {
  const response = await request(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: text,
  });
  return { status: response.statusCode, json: (await response.body.json()) as object };
}

describe('a repeated JSON key is refused like a repeated form field', () => {
  it('the token endpoint refuses client_secret sent twice in JSON, as in a form; once is fine', async () => {
    const secret = JSON.stringify(client.clientSecret);
    const repeated = await postJsonText(
      '/oauth/token',
      `{"grant_type":"client_credentials","client_id":"${client.clientId}","client_secret":"wrong","client_secret":${secret}}`,
    );
    expect(repeated.status).toBe(400);
    expect(repeated.json).toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringContaining('client_secret'),
    });

    const form = `grant_type=client_credentials&client_id=${client.clientId}&client_secret=wrong&client_secret=${client.clientSecret}`;
    const repeatedInForm = await request(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(repeatedInForm.statusCode).toBe(400);
    expect(await repeatedInForm.body.json()).toMatchObject({ error: 'invalid_request' });

    const once = await postToken(
      server,
      {
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: client.clientSecret ?? '',
      },
      { json: true },
    );
    expect(once.status, once.text).toBe(200);
  });

  it('a key repeated under another spelling (\\u escapes) is still the same key', async () => {
    const secret = JSON.stringify(client.clientSecret);
    const response = await postJsonText(
      '/oauth/token',
      `{"grant_type":"client_credentials","client_id":"${client.clientId}","client_secret":"wrong","client_s\\u0065cret":${secret}}`,
    );
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ error: 'invalid_request' });
  });

  it('the legacy password endpoint refuses username sent twice; one key per object is fine', async () => {
    const repeated = await postJsonText(
      '/auth/api/v1/token/password',
      '{"username":"nobody","username":"carol","password":"carol password 1"}',
    );
    expect(repeated.status).toBe(400);
    expect(repeated.json).toMatchObject({ error: 'invalid_request' });

    // The same key in two different objects is not a repeat.
    const nested = await postLegacy(server, '/auth/api/v1/token/password', {
      username: 'carol',
      password: 'carol password 1',
      extra: [{ username: 'a' }, { username: 'b' }],
    });
    expect(nested.status, nested.text).toBe(200);
  });
});
