/**
 * The `oidc_client_credentials` peer of the `api_keys` scenario: oidc-provider's
 * `POST /token` with `grant_type=client_credentials` (`servers/oidc_server.ts`), which
 * issues the same kind of ES256 JWT access token as keygate.
 *
 * @packageDocumentation
 */
import {
  describeAnswer,
  expectAtJwt,
  expectRefusal,
  post,
  withAccessToken,
} from '../lib/http_answers.js';
import type { LoadRequest } from '../lib/run_load.js';
import { BENCH_SCOPE } from '../servers/register_oauth_client.js';

const FORM = 'application/x-www-form-urlencoded';

/** The form body of a `client_credentials` request for `clientId` with `clientSecret`. */
export function clientCredentialsForm(clientId: string, clientSecret: string): string {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
    scope: BENCH_SCOPE,
  }).toString();
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
    headers: { 'content-type': FORM },
    prepare(request) {
      makePayload();
      request.body = form;
    },
    check: (body) => withAccessToken(body) !== null,
  };
}

/**
 * Proves oidc-provider is configured as described before it is measured: the client's
 * form-encoded `client_credentials` request → 200 with a JWT access token (`alg` ES256,
 * `typ` at+jwt); a wrong secret → 401 `invalid_client`.
 * @returns the access token's JOSE header, for the record.
 * @throws Error describing the first answer that is not as expected.
 */
export async function checkOidcClientCredentials(
  tokenUrl: string,
  body: string,
  wrongSecretBody: string,
): Promise<Record<string, unknown>> {
  const ok = await post(tokenUrl, body, FORM);
  const token = withAccessToken(ok.body)?.access_token;
  if (ok.status !== 200 || typeof token !== 'string') {
    throw new Error(`oidc-provider client_credentials: got ${describeAnswer(ok)}`);
  }
  const header = expectAtJwt(token, 'oidc-provider');
  const refused = await post(tokenUrl, wrongSecretBody, FORM);
  expectRefusal(refused, 401, 'invalid_client', 'oidc-provider, to a wrong secret,');
  return header;
}
