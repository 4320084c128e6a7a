import { askKeygate, type KeygateVerifyEndpoint } from './ask_keygate.js';
import { type FetchLike, resolveUrl } from './auth_context.js';
import {
  type RefusalAnswer,
  RequestRefusedError,
  TokenInvalidError,
  type TokenInvalidReason,
} from './errors.js';
import { JwksCache } from './jwks_cache.js';
import { type RequestHeaders, readCredential } from './read_credential.js';
import type { ResourcePrincipal } from './resource_principal.js';
import { credentialRequired, invalidToken, keygateUnavailable } from './resource_refusals.js';
import { TokenHashCache, tokenHash } from './token_hash_cache.js';
import { type AccessTokenClaims, verifyAccessToken } from './verify_access_token.js';

/** Options for {@link createRequestAuthenticator}. */
export interface RequestAuthenticatorOptions {
  /** keygate's issuer: its public base URL, the `iss` of its access tokens. */
  readonly issuer: string;
  /** The `aud` access tokens must carry; default the issuer (keygate's default audience). */
  readonly audience?: string;
  /** JWKS location; default `<issuer>/oauth/token/jwks`. */
  readonly jwksUrl?: string;
  /** Allowed clock difference for `exp`, `nbf` and `iat`, in seconds; default 30. */
  readonly clockToleranceSeconds?: number;
  /** The `fetch` for every call to keygate (its JWKS and `/auth/verify`); default global. */
  readonly fetch?: FetchLike;
  /** How long a call to keygate may take, answer included, in milliseconds; default 3000. */
  readonly timeoutMs?: number;
  /**
   * Also ask keygate about every Bearer token that passed the local check, so a revoked
   * token or a disabled user is refused before the token expires; default false. Each
   * answer is reused for at most 2 s, keyed by the token's SHA-256 (never the token itself);
   * with keygate's own window of up to 2 s a revocation wins within 5 s.
   */
  readonly revocationAware?: boolean;
  /** Clock in epoch milliseconds, for the token checks and the answer window; default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Authenticates one request by its headers (names in any case, as Node.js gives them).
 *
 * @returns The principal.
 * @throws RequestRefusedError with the answer to send; never anything else.
 */
export type AuthenticateRequest = (headers: RequestHeaders) => Promise<ResourcePrincipal>;

const DEFAULT_TIMEOUT_MS = 3_000;

/** Longest keygate's verdict on a token is reused: keygate may add 2 s, R-3 allows 5 s. */
const REVOCATION_WINDOW_MS = 2_000;

/**
 * Longest a token's local verification is reused. Nothing in a verified token changes but
 * the clock, and its expiry still ends the reuse; a signing key withdrawn from the JWKS is
 * seen when the key set is next fetched (every 5 minutes) anyway.
 */
const VERIFIED_WINDOW_MS = 30_000;

/** What keygate said about an access token: still good, or refused with this answer. */
type RevocationVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly refusal: RefusalAnswer };

/** The 401 description for each local check an access token can fail. */
const TOKEN_FAILURES: Readonly<Record<Exclude<TokenInvalidReason, 'jwks_unavailable'>, string>> = {
  malformed: 'The access token is not a well-formed JWT.',
  algorithm: 'The access token is not signed with ES256.',
  type: 'The token is not an access token (typ at+jwt).',
  unknown_key: 'The access token is not signed by a key of the issuer.',
  signature: 'The access token signature does not verify.',
  issuer: 'The access token was not issued by this issuer.',
  audience: 'The access token is not meant for this audience.',
  expired: 'The access token has expired.',
  not_yet_valid: 'The access token is not valid yet.',
};

/** The principal an access token names: ids only (RFC 9068 claims carry no names). */
function principalOf(claims: AccessTokenClaims): ResourcePrincipal {
  // No `org`: a client_credentials token, acting as the client itself.
  const org = typeof claims.org === 'string' ? claims.org : undefined;
  return {
    user: org === undefined ? null : { id: claims.sub },
    organization: org === undefined ? null : { id: org },
    ...(typeof claims.client_id === 'string' ? { client: { id: claims.client_id } } : {}),
    scopes: typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [],
    scheme: 'bearer',
  };
}

/**
 * Creates the request check of a keygate-protected resource server, shared by
 * `@keygate/express` and `@keygate/fastify`. It reads the credential in keygate's order
 * (`X-WSSE`, `X-Auth-Token`, `Authorization: JWT`, `Authorization: Bearer`):
 *
 * - a Bearer access token is verified locally with {@link verifyAccessToken} (ES256, `typ`
 *   `at+jwt`, `iss`, `aud`, `exp`, keys from the issuer's JWKS), and, with `revocationAware`,
 *   confirmed with keygate. Its principal names only ids: `login` and `name` are not in the
 *   token;
 * - WSSE and legacy JWTs are checked by keygate (`GET <issuer>/auth/verify`, R-2) on every
 *   request, never cached: a WSSE header is single-use. keygate's refusals are passed on.
 *
 * Answers (as {@link RequestRefusedError}): no credential 401 with a bare `Bearer` challenge;
 * a malformed header 400 `invalid_request`; a token that does not hold 401 `invalid_token`;
 * keygate or its JWKS unreachable, slow, or answering 5xx or garbage 503
 * `temporarily_unavailable` with `Retry-After: 5`, never a pass.
 *
 * @throws TypeError when `issuer` is missing or `timeoutMs` is not a positive number.
 */
export function createRequestAuthenticator(
  options: RequestAuthenticatorOptions,
): AuthenticateRequest {
  if (typeof options?.issuer !== 'string' || options.issuer === '') {
    throw new TypeError('createRequestAuthenticator: issuer is required');
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError('createRequestAuthenticator: timeoutMs must be a positive number');
  }
  const { issuer } = options;
  const now = options.now ?? Date.now;
  const baseFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const fetch: FetchLike = (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return baseFetch(input, { ...init, signal });
  };
  const endpoint: KeygateVerifyEndpoint = {
    url: resolveUrl(issuer, '/auth/verify?principal=json'),
    fetch,
  };
  const jwks = new JwksCache();
  const tolerance = options.clockToleranceSeconds ?? 30;
  const verified = new TokenHashCache<ResourcePrincipal>(now);
  const verdicts =
    options.revocationAware === true ? new TokenHashCache<RevocationVerdict>(now) : null;

  /** The token verified locally (signature, `typ`, `iss`, `aud`, `exp`), or a refusal. */
  async function verifyLocally(token: string): Promise<AccessTokenClaims> {
    try {
      return await verifyAccessToken(token, {
        issuer,
        audience: options.audience ?? issuer,
        ...(options.jwksUrl === undefined ? {} : { jwksUrl: options.jwksUrl }),
        clockToleranceSeconds: tolerance,
        fetch,
        now,
        jwks,
      });
    } catch (error) {
      if (!(error instanceof TokenInvalidError)) throw error;
      if (error.reason === 'jwks_unavailable') {
        throw keygateUnavailable("keygate's signing keys could not be fetched.", { cause: error });
      }
      throw invalidToken(TOKEN_FAILURES[error.reason], error);
    }
  }

  async function bearer(token: string): Promise<ResourcePrincipal> {
    const hash = await tokenHash(token);
    let principal = verified.get(hash);
    if (principal === undefined) {
      const claims = await verifyLocally(token);
      principal = principalOf(claims);
      // Reused no longer than the token itself would verify: until exp (with the tolerance).
      const expiresAt = (claims.exp + tolerance) * 1000;
      verified.remember(hash, principal, Math.min(expiresAt, now() + VERIFIED_WINDOW_MS));
    }
    if (verdicts === null) return principal;
    const known = verdicts.get(hash);
    if (known?.ok) return principal;
    if (known) throw new RequestRefusedError(known.refusal);
    try {
      await askKeygate(endpoint, { authorization: `Bearer ${token}` }, 'bearer');
    } catch (error) {
      // keygate's refusal is remembered; its being unreachable is not.
      if (error instanceof RequestRefusedError && error.status !== 503) {
        verdicts.remember(hash, { ok: false, refusal: error }, now() + REVOCATION_WINDOW_MS);
      }
      throw error;
    }
    verdicts.remember(hash, { ok: true }, now() + REVOCATION_WINDOW_MS);
    return principal;
  }

  return async function authenticate(headers) {
    try {
      const credential = readCredential(headers);
      if (credential === null) throw credentialRequired();
      if (credential.scheme === 'bearer') return await bearer(credential.token);
      return await askKeygate(endpoint, credential.forward, credential.scheme);
    } catch (error) {
      if (error instanceof RequestRefusedError) throw error;
      // Fail closed: whatever else went wrong, the request is not let through.
      throw keygateUnavailable('The credential could not be checked.', { cause: error });
    }
  };
}
