/**
 * The `api_keys` scenario: keygate's `POST /oauth/token` with `grant_type=api_keys` and a
 * Penneo-style payload fresh for every request, compared with oidc-provider's
 * `client_credentials` grant (`oidc_client_credentials.ts`).
 *
 * @packageDocumentation
 */
import { UsernameToken } from 'wsse';
import {
  describeAnswer,
  expectAtJwt,
  expectRefusal,
  post,
  withAccessToken,
} from '../lib/http_answers.js';
import type { LoadRequest } from '../lib/run_load.js';
import type { OAuthClientCredentials } from '../servers/register_oauth_client.js';

/**
 * The `api_keys` grant body exactly as in the Node example of Penneo's OAuth documentation:
 * a new npm `wsse` `UsernameToken` for every request, and its `getNonceBase64()`,
 * `getCreated()` and `getPasswordDigest()`, sent as JSON (axios's default for an object).
 */
export function apiKeysPayload(
  client: OAuthClientCredentials,
  apiKey: { readonly key: string; readonly secret: string },
): string {
  const token = new UsernameToken({ username: apiKey.key, password: apiKey.secret });
  return JSON.stringify({
    client_id: client.clientId,
    client_secret: client.clientSecret,
    grant_type: 'api_keys',
    key: apiKey.key,
    nonce: token.getNonceBase64(),
    created_at: token.getCreated(),
    digest: token.getPasswordDigest(),
  });
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
    check: (body) => withAccessToken(body) !== null,
  };
}

/**
 * Proves the `api_keys` grant really checks what it is sent before it is measured: a fresh
 * Penneo-style payload → 200 with an ES256 `at+jwt` access token and no refresh token; the
 * same payload again → 400 `invalid_grant` (its nonce is consumed, O-8, W-6).
 * @param tokenUrl - keygate's `/oauth/token`.
 * @param makePayload - a fresh JSON body.
 * @returns the access token of the first answer.
 * @throws Error describing the first answer that is not as expected.
 */
export async function checkApiKeysGrant(
  tokenUrl: string,
  makePayload: () => string,
): Promise<string> {
  const payload = makePayload();
  const first = await post(tokenUrl, payload, 'application/json');
  const body = withAccessToken(first.body);
  const token = body?.access_token;
  if (first.status !== 200 || typeof token !== 'string' || body?.refresh_token !== undefined) {
    throw new Error(
      `api_keys grant: expected 200 with an access token only, got ${describeAnswer(first)}`,
    );
  }
  expectAtJwt(token, 'api_keys grant');
  const replay = await post(tokenUrl, payload, 'application/json');
  expectRefusal(replay, 400, 'invalid_grant', 'api_keys grant: a replayed payload');
  return token;
}
