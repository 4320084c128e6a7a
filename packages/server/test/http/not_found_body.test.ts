import { afterAll, beforeAll, expect, it } from 'vitest';
import { get } from '../support/http_client.js';
import { startTestServer, type TestServer } from '../support/start_test_server.js';

/**
 * Issue 11, defect 10: the 404 body repeated the request URL, so a token put in the query
 * string (or the path) of a mistyped URL came back in the response body.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it('the 404 body echoes neither the path nor the query string', async () => {
  const response = await get(
    `${server.url}/oauth/tokens/ey-path-secret?access_token=ey-query-secret&code=c0de`,
  );
  expect(response.status).toBe(404);
  expect(response.json).toMatchObject({ error: 'not_found' });
  expect(response.text).not.toContain('ey-path-secret');
  expect(response.text).not.toContain('ey-query-secret');
  expect(response.text).not.toContain('c0de');
  expect(response.text).not.toContain('/oauth/tokens');
});

it('a URL the router cannot decode is a JSON 400 that does not echo it either', async () => {
  const response = await get(`${server.url}/oauth/ey-path-secret%zz?access_token=ey-query-secret`);
  expect(response.status).toBe(400);
  expect(response.json).toMatchObject({ error: 'invalid_request' });
  expect(response.text).not.toContain('ey-path-secret');
  expect(response.text).not.toContain('ey-query-secret');
});
