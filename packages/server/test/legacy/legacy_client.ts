import { request } from 'undici';
import { jsonOrNull, type TestResponse } from '../support/http_client.js';

/**
 * POSTs to a legacy JWT endpoint (L-1, L-3): `body` is sent as JSON unless it is a string,
 * which is sent as is (for malformed-body cases) with `contentType`.
 */
export async function postLegacy(
  server: { url: string },
  path: '/auth/api/v1/token/password' | '/auth/api/v1/token/refresh',
  body: unknown,
  contentType = 'application/json',
): Promise<TestResponse> {
  const response = await request(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.body.text();
  const json = jsonOrNull(text);
  return { status: response.statusCode, headers: response.headers, text, json };
}

/** Signs in with a password (L-1) and returns the response body, failing on anything but 200. */
export async function passwordToken(
  server: { url: string },
  body: Record<string, unknown>,
): Promise<{ token: string; refresh_token?: string }> {
  const response = await postLegacy(server, '/auth/api/v1/token/password', body);
  if (response.status !== 200)
    throw new Error(`sign-in failed: ${response.status} ${response.text}`);
  return response.json as { token: string; refresh_token?: string };
}
