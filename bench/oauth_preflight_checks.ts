import { type PostAnswer, parseTokenBody, post } from './keygate_oauth.js';
import { errorCode, getMe } from './preflight_checks.js';

function jwtHeader(token: string): Record<string, unknown> | null {
  try {
    return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));
  } catch {
    return null;
  }
}

function describe(answer: PostAnswer): string {
  return `${answer.status} ${answer.body.slice(0, 200)}`;
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
  const body = parseTokenBody(first.body);
  const token = body?.access_token;
  if (first.status !== 200 || typeof token !== 'string' || body?.refresh_token !== undefined) {
    throw new Error(
      `api_keys grant: expected 200 with an access token only, got ${describe(first)}`,
    );
  }
  const header = jwtHeader(token);
  if (header?.alg !== 'ES256' || header.typ !== 'at+jwt') {
    throw new Error(`api_keys grant: access token header ${JSON.stringify(header)}`);
  }
  const replay = await post(tokenUrl, payload, 'application/json');
  if (replay.status !== 400 || errorCode(replay.body) !== 'invalid_grant') {
    throw new Error(`api_keys grant: a replayed payload answered ${describe(replay)}`);
  }
  return token;
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
  const principal = parseTokenBody(ok.body) as {
    scheme?: unknown;
    user?: { login?: unknown };
  } | null;
  if (
    ok.status !== 200 ||
    principal?.scheme !== 'bearer' ||
    principal.user?.login !== expectedLogin
  ) {
    throw new Error(`Bearer /api/v1/me: expected 200 with the principal, got ${describe(ok)}`);
  }
  const last = accessToken.at(-2) === 'A' ? 'B' : 'A';
  const tampered = `${accessToken.slice(0, -2)}${last}${accessToken.slice(-1)}`;
  const refused = await get(tampered);
  if (refused.status !== 401 || errorCode(refused.body) !== 'invalid_token') {
    throw new Error(`Bearer /api/v1/me: a tampered token answered ${describe(refused)}`);
  }
  return ok.body;
}

/**
 * Proves refresh token rotation before it is measured, on a chain of its own: R1 → 200 with
 * a new pair (R2 ≠ R1); R1 again → 400 `invalid_grant`; R2 then also fails (presenting a
 * consumed token revoked the family, O-9). Leaves exactly one revoked family behind.
 * @throws Error describing the first answer that is not as expected.
 */
export async function checkRefreshGrant(
  tokenUrl: string,
  makePayload: (refreshToken: string) => string,
  refreshToken: string,
): Promise<void> {
  const first = await post(tokenUrl, makePayload(refreshToken), 'application/json');
  const successor = parseTokenBody(first.body)?.refresh_token;
  if (first.status !== 200 || typeof successor !== 'string' || successor === refreshToken) {
    throw new Error(`refresh grant: expected 200 with a new refresh token, got ${describe(first)}`);
  }
  const replay = await post(tokenUrl, makePayload(refreshToken), 'application/json');
  if (replay.status !== 400 || errorCode(replay.body) !== 'invalid_grant') {
    throw new Error(`refresh grant: a consumed refresh token answered ${describe(replay)}`);
  }
  const revoked = await post(tokenUrl, makePayload(successor), 'application/json');
  if (revoked.status !== 400 || errorCode(revoked.body) !== 'invalid_grant') {
    throw new Error(`refresh grant: a token of a revoked family answered ${describe(revoked)}`);
  }
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
  const form = 'application/x-www-form-urlencoded';
  const ok = await post(tokenUrl, body, form);
  const token = parseTokenBody(ok.body)?.access_token;
  if (ok.status !== 200 || typeof token !== 'string') {
    throw new Error(`oidc-provider client_credentials: got ${describe(ok)}`);
  }
  const header = jwtHeader(token);
  if (header?.alg !== 'ES256' || header.typ !== 'at+jwt') {
    throw new Error(`oidc-provider issued a token with header ${JSON.stringify(header)}`);
  }
  const refused = await post(tokenUrl, wrongSecretBody, form);
  if (refused.status !== 401 || errorCode(refused.body) !== 'invalid_client') {
    throw new Error(`oidc-provider accepted or mis-refused a wrong secret: ${describe(refused)}`);
  }
  return header;
}
