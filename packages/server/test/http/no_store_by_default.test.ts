import { afterAll, beforeAll, expect, it } from 'vitest';
import { get } from '../support/http_client.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
  wsseHeader,
} from '../support/start_test_server.js';

/**
 * Every answer is uncacheable unless its route is a public document: a WSSE-authenticated
 * `/api/v1/me` used to go out with no `Cache-Control` at all, so a shared cache could have
 * kept a principal and answered a replayed header from it.
 */
let server: TestServer;
let alice: SeededCredential;
beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  alice = await seedCredential(server);
});
afterAll(() => server.close());

const wsse = () => wsseHeader(server, alice);

it.each([
  ['a WSSE-authenticated /api/v1/me', () => get(`${server.url}/api/v1/me`, { 'X-WSSE': wsse() })],
  ['a legacy JWT from WSSE', () => get(`${server.url}/api/v1/auth/token`, { 'X-WSSE': wsse() })],
  ['a refused /api request', () => get(`${server.url}/api/v1/me`)],
  ['/healthz', () => get(`${server.url}/healthz`)],
  ['an unknown address', () => get(`${server.url}/nowhere`)],
])('%s is no-store, no-cache', async (_label, send) => {
  const response = await send();
  expect(response.status).toBeLessThan(500);
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.headers.pragma).toBe('no-cache');
});

it.each([
  ['/.well-known/oauth-authorization-server', 'public, max-age=300'],
  ['/.well-known/jwks.json', 'public, max-age=60'],
  ['/oauth/assets/keygate.css', 'public, max-age=3600'],
])('the public document %s keeps its own caching', async (path, cacheControl) => {
  const response = await get(`${server.url}${path}`);
  expect(response.status).toBe(200);
  expect(response.headers['cache-control']).toBe(cacheControl);
  expect(response.headers.pragma).toBeUndefined();
});
