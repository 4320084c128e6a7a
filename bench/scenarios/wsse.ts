/**
 * The `wsse` scenario: keygate's `GET /api/v1/me` with a fresh `X-WSSE` header on every
 * request, compared with the bare route (which gets the same header and ignores it).
 *
 * @packageDocumentation
 */
import { expectRefusal, getMe } from '../lib/http_answers.js';
import type { LoadRequest } from '../lib/run_load.js';

/**
 * `GET /api/v1/me` with a fresh X-WSSE header on every request: keygate's WSSE scenario, and
 * the bare route (which ignores the header, so the client does the same work for both).
 * Every 2xx body must be `expectedBody` exactly.
 */
export function wsseMeRequest(wsseHeader: () => string, expectedBody: string): LoadRequest {
  return {
    method: 'GET',
    path: '/api/v1/me',
    prepare(request) {
      request.headers['x-wsse'] = wsseHeader();
    },
    check: (body) => body === expectedBody,
  };
}

/**
 * Proves keygate really authenticates before it is measured, so a misconfiguration cannot
 * pass for speed: no header → 401 `authentication_required`; a fresh header → 200 with the
 * principal of `expectedKey`; the same header again → 401 `nonce_replayed`.
 * @param baseUrl - keygate's URL.
 * @param makeHeader - builds a fresh X-WSSE header value.
 * @param expectedKey - the API key the header is signed for.
 * @returns keygate's 200 body (the principal), for the bare server to answer the same bytes.
 * @throws Error describing the first answer that is not as expected.
 */
export async function checkKeygateAuthenticates(
  baseUrl: string,
  makeHeader: () => string,
  expectedKey: string,
): Promise<string> {
  const anonymous = await getMe(baseUrl);
  expectRefusal(anonymous, 401, 'authentication_required', 'keygate, without X-WSSE,');
  const header = makeHeader();
  const first = await getMe(baseUrl, { 'x-wsse': header });
  if (first.status !== 200) {
    throw new Error(`keygate refused a fresh header: ${first.status} ${first.body}`);
  }
  const principal = JSON.parse(first.body) as { credential?: { key?: unknown } };
  if (principal.credential?.key !== expectedKey) {
    throw new Error('keygate authenticated the request as a different credential');
  }
  const replay = await getMe(baseUrl, { 'x-wsse': header });
  expectRefusal(replay, 401, 'nonce_replayed', 'keygate, to a replayed header,');
  return first.body;
}
