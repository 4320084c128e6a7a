import { errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { type FetchLike, resolveUrl } from './auth_context.js';
import { TokenInvalidError, type TokenInvalidReason } from './errors.js';
import { JwksCache } from './jwks_cache.js';

/** Options for {@link verifyAccessToken}. */
export interface VerifyAccessTokenOptions {
  /** Expected `iss`: keygate's issuer (its public base URL). */
  readonly issuer: string;
  /** Expected `aud` (keygate's default: the issuer). */
  readonly audience: string;
  /** JWKS location; default `<issuer>/oauth/token/jwks`. */
  readonly jwksUrl?: string;
  /** Allowed clock difference for `exp`, `nbf` and `iat`, in seconds; default 30. */
  readonly clockToleranceSeconds?: number;
  readonly fetch?: FetchLike;
  /** Clock in epoch milliseconds for the claim checks; default `Date.now`. */
  readonly now?: () => number;
  /** Key cache; default one shared by every call in this process or page. */
  readonly jwks?: JwksCache;
}

/** The verified claims of an access token (RFC 9068, O-10). */
export interface AccessTokenClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string | readonly string[];
  readonly exp: number;
  readonly iat?: number;
  readonly jti?: string;
  readonly client_id?: string;
  readonly scope?: string;
  readonly org?: string;
  readonly [claim: string]: unknown;
}

const defaultJwks = new JwksCache();

/** The platform's fetch, looked up at each call (a test may replace it). */
const globalFetch: FetchLike = (input, init) => globalThis.fetch(input, init);

/** Which check a jose claim error is about, by the claim (or header) it names. */
const CLAIM_REASONS: Readonly<Record<string, TokenInvalidReason>> = {
  iss: 'issuer',
  aud: 'audience',
  typ: 'type',
  nbf: 'not_yet_valid',
};

/** Says which check a jose verification error stands for. */
function reasonOf(error: errors.JOSEError): { reason: TokenInvalidReason; message: string } {
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return { reason: 'algorithm', message: 'only ES256 tokens are accepted' };
  }
  if (
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return {
      reason: 'unknown_key',
      message: 'the token was not signed by a key in the issuer JWKS',
    };
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return { reason: 'signature', message: 'the signature does not verify' };
  }
  if (error instanceof errors.JWTExpired) {
    return { reason: 'expired', message: 'the token has expired' };
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return { reason: CLAIM_REASONS[error.claim] ?? 'malformed', message: error.message };
  }
  // JWSInvalid, JWTInvalid, JOSENotSupported (an unknown `crit`).
  return {
    reason: 'malformed',
    message: 'the token is not a compact JWS with JSON header and claims',
  };
}

/**
 * Verifies a keygate access token for an API that receives it as `Bearer` (O-10), with jose's
 * `jwtVerify`: ES256 only (the algorithm is pinned, `none` and HMAC are refused), `typ`
 * `at+jwt`, the signature against the issuer's JWKS found by `kid` (keys named in the token's
 * `jku`, `jwk`, `x5u` or `x5c` headers are never used), then `iss`, `aud`, `exp`, `nbf` and
 * `iat` with a clock tolerance. WebCrypto only, so it runs in browsers and edge runtimes too.
 *
 * This checks the token itself; revocation is only visible to keygate, so an API that
 * must honour it at once asks keygate (introspection, `/auth/verify`).
 *
 * @returns The claims.
 * @throws TokenInvalidError with `reason` saying which check failed.
 */
export async function verifyAccessToken(
  token: string,
  options: VerifyAccessTokenOptions,
): Promise<AccessTokenClaims> {
  if (typeof options?.issuer !== 'string' || typeof options.audience !== 'string') {
    throw new TypeError('verifyAccessToken: issuer and audience are required');
  }
  const now = options.now ?? Date.now;
  const tolerance = options.clockToleranceSeconds ?? 30;
  const jwksUrl = options.jwksUrl ?? resolveUrl(options.issuer, '/oauth/token/jwks');
  const keys = (options.jwks ?? defaultJwks).keySet(jwksUrl, options.fetch ?? globalFetch);
  const key: JWTVerifyGetKey = (header, jws) => {
    if (typeof header.kid !== 'string' || header.kid.length === 0) {
      throw new TokenInvalidError('unknown_key', 'the token names no kid');
    }
    return keys(header, jws);
  };

  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ['ES256'],
      typ: 'at+jwt',
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: tolerance,
      currentDate: new Date(now()),
    }));
  } catch (error) {
    // Ours (from the key resolver) as they are; a TypeError is a bad option, i.e. misuse.
    if (!(error instanceof errors.JOSEError)) throw error;
    const { reason, message } = reasonOf(error);
    throw new TokenInvalidError(reason, message, { cause: error });
  }
  // jose checks a future `iat` only together with a maximum token age.
  if (typeof payload.iat === 'number' && now() / 1000 + tolerance < payload.iat) {
    throw new TokenInvalidError('not_yet_valid', 'the token was issued in the future');
  }
  if (typeof payload.sub !== 'string') {
    throw new TokenInvalidError('malformed', 'the token has no sub');
  }
  return payload as AccessTokenClaims;
}
