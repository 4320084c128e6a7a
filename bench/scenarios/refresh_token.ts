/**
 * The `refresh_token` scenario: keygate's `POST /oauth/token` with `grant_type=refresh_token`
 * and a refresh token never presented before, taken from chains started through the code
 * flow (see `bench/README.md`, "Refresh tokens: chains"). It has no baseline.
 *
 * @packageDocumentation
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  authorizeThroughForms,
  FormBrowser,
} from '../../packages/server/test/support/form_browser.js';
import {
  describeAnswer,
  expectRefusal,
  parseJsonObject,
  post,
  withAccessToken,
} from '../lib/http_answers.js';
import type { RefreshTokenRecords } from '../lib/read_refresh_token_records.js';
import type { LoadRequest } from '../lib/run_load.js';
import {
  BENCH_SCOPE,
  type KeygateOAuth,
  type OAuthClientCredentials,
} from '../servers/register_oauth_client.js';
import type { RefreshTokenPool } from './refresh_token_pool.js';

/** The JSON body of a `refresh_token` grant request. */
export function refreshPayload(client: OAuthClientCredentials, refreshToken: string): string {
  return JSON.stringify({
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: client.clientId,
    client_secret: client.clientSecret,
  });
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
      const refreshToken = withAccessToken(body)?.refresh_token;
      return typeof refreshToken === 'string' && pool.give(refreshToken);
    },
  };
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
  const successor = parseJsonObject(first.body)?.refresh_token;
  if (first.status !== 200 || typeof successor !== 'string' || successor === refreshToken) {
    throw new Error(
      `refresh grant: expected 200 with a new refresh token, got ${describeAnswer(first)}`,
    );
  }
  const replay = await post(tokenUrl, makePayload(refreshToken), 'application/json');
  expectRefusal(replay, 400, 'invalid_grant', 'refresh grant: a consumed refresh token');
  const revoked = await post(tokenUrl, makePayload(successor), 'application/json');
  expectRefusal(revoked, 400, 'invalid_grant', 'refresh grant: a token of a revoked family');
}

/**
 * What keygate's store must say after the runs: at least as many consumed refresh tokens as
 * 2xx refreshes (`accepted`, the pre-flight check's included), a distinct successor for
 * each, exactly one revoked family (the pre-flight check's), and no successor issued twice.
 * @returns one message per broken rule; empty when none.
 */
export function checkRefreshRecords(
  records: RefreshTokenRecords,
  accepted: number,
  pool: RefreshTokenPool,
): string[] {
  const failures: string[] = [];
  if (records.consumed < accepted) {
    failures.push(
      `keygate answered ${accepted} refreshes with 2xx but holds only ${records.consumed} consumed refresh tokens`,
    );
  }
  if (records.consumedWithoutSuccessor > 0) {
    failures.push(`${records.consumedWithoutSuccessor} consumed refresh tokens have no successor`);
  }
  if (records.distinctSuccessors !== records.consumed) {
    failures.push(
      `${records.consumed} consumed refresh tokens but ${records.distinctSuccessors} distinct successors`,
    );
  }
  if (records.revokedFamilies !== 1) {
    failures.push(
      `${records.revokedFamilies} revoked token families (expected 1, the pre-flight check's): a refresh token was presented twice`,
    );
  }
  if (pool.duplicates > 0) {
    failures.push(
      `keygate answered ${pool.duplicates} refreshes with a refresh token issued before`,
    );
  }
  return failures;
}

/**
 * Starts `count` refresh token chains, each its own token family: the authorization code
 * flow with PKCE S256 through keygate's real pages (one sign-in, then the session cookie;
 * the client skips consent), and the code exchanged at `/oauth/token`. Runs a few flows at
 * a time.
 * @returns the first refresh token of every chain.
 * @throws Error when a flow or an exchange does not succeed.
 */
export async function mintRefreshChains(
  baseUrl: string,
  oauth: KeygateOAuth,
  count: number,
): Promise<string[]> {
  const browser = new FormBrowser();
  // The first flow signs in; the others reuse its session.
  const first = await oneChain(baseUrl, oauth, browser);
  const tokens = [first];
  const parallel = 4;
  while (tokens.length < count) {
    const batch = Math.min(parallel, count - tokens.length);
    tokens.push(
      ...(await Promise.all(
        Array.from({ length: batch }, () => oneChain(baseUrl, oauth, browser)),
      )),
    );
  }
  return tokens;
}

async function oneChain(
  baseUrl: string,
  oauth: KeygateOAuth,
  browser: FormBrowser,
): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: oauth.clientId,
    redirect_uri: oauth.redirectUri,
    scope: BENCH_SCOPE,
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const { redirect } = await authorizeThroughForms(
    `${baseUrl}/oauth/authorize?${params}`,
    oauth.user,
    browser,
  );
  const code = redirect.searchParams.get('code');
  if (code === null) throw new Error(`authorize redirected without a code: ${redirect.search}`);
  const answer = await post(
    `${baseUrl}/oauth/token`,
    JSON.stringify({
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: oauth.redirectUri,
      client_id: oauth.clientId,
      client_secret: oauth.clientSecret,
    }),
    'application/json',
  );
  const refreshToken = parseJsonObject(answer.body)?.refresh_token;
  if (answer.status !== 200 || typeof refreshToken !== 'string') {
    throw new Error(`code exchange answered ${answer.status}: ${answer.body.slice(0, 200)}`);
  }
  return refreshToken;
}
