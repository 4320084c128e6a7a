import type { FetchLike } from './auth_context.js';
import { KeygateHttpError } from './errors.js';
import { readResponse, requireJsonObject } from './read_response.js';
import { isRedirect, refuseRedirect } from './redirect_response.js';

/** One request the SDK makes for itself, see {@link fetchJson}. */
export interface JsonRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  /** Sent after `accept: application/json`. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Names the endpoint in an InvalidResponseError, e.g. `the token endpoint`. */
  readonly what: string;
}

/**
 * Sends a request the SDK needs a JSON object from (token endpoint, legacy sign-in, metadata)
 * and returns that object. Redirects are never followed (`redirect: 'manual'`): a
 * credential or a POSTed secret must not travel on to whatever URL a redirect names.
 *
 * @throws KeygateHttpError for a redirect (3xx, or a browser's opaque redirect) and for any
 *   other non-2xx answer, with its body; InvalidResponseError when a 2xx body is not a JSON
 *   object.
 */
export async function fetchJson(
  fetch: FetchLike,
  request: JsonRequest,
): Promise<Record<string, unknown>> {
  const { method, url } = request;
  const response = await fetch(url, {
    method,
    headers: { accept: 'application/json', ...request.headers },
    ...(request.body !== undefined ? { body: request.body } : {}),
    redirect: 'manual',
  });
  if (isRedirect(response)) return refuseRedirect(method, url, response);
  const read = await readResponse(response);
  if (!response.ok) throw new KeygateHttpError(method, url, response.status, read.text);
  return requireJsonObject(read, request.what);
}
