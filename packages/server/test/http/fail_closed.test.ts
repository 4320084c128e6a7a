import { afterEach, beforeEach, expect, it } from 'vitest';
import { get } from '../support/http_client.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
  wsseHeader,
} from '../support/start_test_server.js';

/** S-4 (SQLite part): a store that stops answering fails closed with 503, never a 200 or 500. */
let server: TestServer;
let alice: SeededCredential;
beforeEach(async () => {
  server = await startTestServer({ store: 'sqlite' });
  alice = await seedCredential(server);
});
afterEach(() => server.close());

const header = () => wsseHeader(server, alice);

it('healthz and readyz answer while the store is up', async () => {
  expect((await get(`${server.url}/healthz`)).status).toBe(200);
  const ready = await get(`${server.url}/readyz`);
  expect(ready.status).toBe(200);
  expect(ready.json).toEqual({ status: 'ready' });
});

it('with the database gone, authentication answers 503 and readiness turns false', async () => {
  expect((await get(`${server.url}/api/v1/me`, { 'X-WSSE': header() })).status).toBe(200);
  await server.store.close();
  const refused = await get(`${server.url}/api/v1/me`, { 'X-WSSE': header() });
  expect(refused.status).toBe(503);
  expect(refused.json).toMatchObject({ error: 'temporarily_unavailable' });
  expect(refused.headers['retry-after']).toBe('5');
  expect((await get(`${server.url}/readyz`)).status).toBe(503);
  expect((await get(`${server.url}/healthz`)).status).toBe(200);
});

it('unknown routes and bad methods are JSON 4xx, not 5xx', async () => {
  const missing = await get(`${server.url}/nope`);
  expect(missing.status).toBe(404);
  expect(missing.json).toMatchObject({ error: 'not_found' });
});
