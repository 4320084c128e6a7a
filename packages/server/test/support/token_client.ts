import { request } from 'undici';
import { jsonOrNull, type TestResponse } from './http_client.js';

/** POSTs to /oauth/token (form-encoded by default, JSON on request), with optional Basic auth. */
export async function postToken(
  server: { url: string },
  params: Record<string, string>,
  options: { json?: boolean; basic?: { id: string; secret: string }; path?: string } = {},
): Promise<TestResponse> {
  const headers: Record<string, string> = {
    'content-type': options.json ? 'application/json' : 'application/x-www-form-urlencoded',
  };
  if (options.basic) {
    const encode = (value: string) => encodeURIComponent(value);
    headers.authorization = `Basic ${Buffer.from(`${encode(options.basic.id)}:${encode(options.basic.secret)}`).toString('base64')}`;
  }
  const response = await request(`${server.url}${options.path ?? '/oauth/token'}`, {
    method: 'POST',
    headers,
    body: options.json ? JSON.stringify(params) : new URLSearchParams(params).toString(),
  });
  const text = await response.body.text();
  const json = jsonOrNull(text);
  return { status: response.statusCode, headers: response.headers, text, json };
}
