import { parseTokenBody } from './keygate_oauth.js';
import type { RefreshTokenPool } from './refresh_token_pool.js';
import type { LoadRequest } from './run_load.js';

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

function hasAccessToken(body: string): Record<string, unknown> | null {
  const parsed = parseTokenBody(body);
  return parsed !== null && typeof parsed.access_token === 'string' && parsed.access_token !== ''
    ? parsed
    : null;
}

/**
 * keygate's `api_keys` grant: `POST /oauth/token` with a JSON body built like Penneo's Node
 * example, fresh for every request (`makePayload`). Every 2xx must carry an access token.
 */
export function apiKeysRequest(makePayload: () => string): LoadRequest {
  return {
    method: 'POST',
    path: '/oauth/token',
    headers: { 'content-type': 'application/json' },
    prepare(request) {
      request.body = makePayload();
    },
    check: (body) => hasAccessToken(body) !== null,
  };
}

/**
 * keygate's `refresh_token` grant: every request presents a token taken from `pool` (never
 * one presented before), and every 2xx must carry an access token and a refresh token never
 * seen before, which goes back into the pool for a later request. When the pool has run dry
 * the request presents a token keygate must refuse, so the run fails loudly rather than
 * measuring something else.
 */
export function refreshTokenRequest(
  pool: RefreshTokenPool,
  makePayload: (refreshToken: string) => string,
): LoadRequest {
  return {
    method: 'POST',
    path: '/oauth/token',
    headers: { 'content-type': 'application/json' },
    prepare(request) {
      request.body = makePayload(pool.take() ?? 'pool-ran-dry');
    },
    check(body) {
      const refreshToken = hasAccessToken(body)?.refresh_token;
      return typeof refreshToken === 'string' && pool.give(refreshToken);
    },
  };
}

/**
 * oidc-provider's `client_credentials` grant: `POST /token`, form-encoded (what the OAuth
 * specification requires and oidc-provider accepts), the same body every time (nothing in it
 * has to be fresh). An `api_keys` payload is still built for every request and thrown away,
 * so the load generator does the same work per request as for the keygate grant it is
 * compared with. Every 2xx must carry an access token.
 */
export function clientCredentialsRequest(form: string, makePayload: () => string): LoadRequest {
  return {
    method: 'POST',
    path: '/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    prepare(request) {
      makePayload();
      request.body = form;
    },
    check: (body) => hasAccessToken(body) !== null,
  };
}
