import { afterAll, beforeAll, expect, it } from 'vitest';
import { get } from '../support/http_client.js';
import { startTestServer, type TestServer } from '../support/start_test_server.js';

/** O-12: the RFC 8414 document lists exactly what is implemented, and each endpoint answers. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it('lists the endpoints, grants, PKCE and auth methods, and every listed endpoint exists', async () => {
  const response = await get(`${server.url}/.well-known/oauth-authorization-server`);
  expect(response.status).toBe(200);
  const metadata = response.json as Record<string, unknown>;
  const issuer = server.config.issuer;
  expect(metadata).toMatchObject({
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    jwks_uri: `${issuer}/oauth/token/jwks`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256', 'plain'],
    authorization_response_iss_parameter_supported: true,
  });
  expect([...(metadata.grant_types_supported as string[])].sort()).toEqual([
    'api_keys',
    'authorization_code',
    'client_credentials',
    'refresh_token',
  ]);
  expect(metadata.token_endpoint_auth_methods_supported).toEqual(
    expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'none']),
  );
  // Each endpoint is really there (a GET to a POST endpoint is 404 in Fastify, so use the right verb).
  expect((await get(String(metadata.jwks_uri))).status).toBe(200);
  expect((await get(`${issuer}/authorize`)).status).toBe(400);
  for (const endpoint of ['token_endpoint', 'revocation_endpoint', 'introspection_endpoint']) {
    const { request } = await import('undici');
    const answer = await request(String(metadata[endpoint]), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    await answer.body.text();
    expect([400, 401]).toContain(answer.statusCode);
  }
});
