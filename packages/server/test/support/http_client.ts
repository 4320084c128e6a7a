import { request } from 'undici';

/** A response as the tests look at it. */
export interface TestResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly json: unknown;
}

/** GET with the given headers; the body is read in full (and parsed when it is JSON). */
export async function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<TestResponse> {
  const response = await request(url, { method: 'GET', headers });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text, json: jsonOrNull(text) };
}

/** `text` parsed as JSON, or null when it is not JSON. */
export function jsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
