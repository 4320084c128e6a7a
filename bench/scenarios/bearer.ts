/**
 * The `bearer` scenario: keygate's `GET /api/v1/me` with `Authorization: Bearer <access
 * token>` (tokens from the `api_keys` grant), compared with the bare route.
 *
 * @packageDocumentation
 */
import { describeAnswer, expectRefusal, getMe, parseJsonObject } from '../lib/http_answers.js';
import type { LoadRequest } from '../lib/run_load.js';

/**
 * `GET /api/v1/me` with `Authorization: Bearer`, the tokens taken in turn. A WSSE header is
 * still built for every request and thrown away, so the load generator does the same work
 * per request as for the bare route this is compared with. Every 2xx body must be
 * `expectedBody` exactly.
 */
export function bearerMeRequest(
  accessTokens: readonly string[],
  wsseHeader: () => string,
  expectedBody: string,
): LoadRequest {
  const authorizations = accessTokens.map((token) => `Bearer ${token}`);
  let next = 0;
  return {
    method: 'GET',
    path: '/api/v1/me',
    prepare(request) {
      wsseHeader();
      request.headers.authorization = authorizations[next++ % authorizations.length] as string;
    },
    check: (body) => body === expectedBody,
  };
}

/**
 * Proves Bearer authentication on `/api/v1/me` before it is measured: the token → 200 with a
 * `bearer` principal of `expectedLogin`; the same token with one signature character changed →
 * 401 `invalid_token`.
 * @returns the 200 body, which every measured answer must repeat byte for byte.
 * @throws Error describing the first answer that is not as expected.
 */
export async function checkBearer(
  baseUrl: string,
  accessToken: string,
  expectedLogin: string,
): Promise<string> {
  const get = (token: string) => getMe(baseUrl, { authorization: `Bearer ${token}` });
  const ok = await get(accessToken);
  const principal = parseJsonObject(ok.body) as {
    scheme?: unknown;
    user?: { login?: unknown };
  } | null;
  if (
    ok.status !== 200 ||
    principal?.scheme !== 'bearer' ||
    principal.user?.login !== expectedLogin
  ) {
    throw new Error(
      `Bearer /api/v1/me: expected 200 with the principal, got ${describeAnswer(ok)}`,
    );
  }
  const last = accessToken.at(-2) === 'A' ? 'B' : 'A';
  const tampered = `${accessToken.slice(0, -2)}${last}${accessToken.slice(-1)}`;
  const refused = await get(tampered);
  expectRefusal(refused, 401, 'invalid_token', 'Bearer /api/v1/me with a tampered token');
  return ok.body;
}
