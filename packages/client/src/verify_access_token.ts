import { type FetchLike, resolveUrl } from './auth_context.js';
import { decodeJwt } from './decode_jwt.js';
import { TokenInvalidError } from './errors.js';
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
  /** Clock in epoch milliseconds; default `Date.now`. */
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

function sameTyp(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const lower = value.toLowerCase();
  return lower === 'at+jwt' || lower === 'application/at+jwt';
}

function fail(reason: ConstructorParameters<typeof TokenInvalidError>[0], message: string): never {
  throw new TokenInvalidError(reason, message);
}

/**
 * Verifies a keygate access token for an API that receives it as `Bearer` (O-10): ES256
 * only (the algorithm is pinned, `none` and HMAC are refused), `typ` `at+jwt`, the signature
 * against the issuer's JWKS found by `kid` (keys named in the token's `jku`, `jwk`, `x5u` or
 * `x5c` headers are never used), then `iss`, `aud`, `exp`, `nbf` and `iat` with a clock
 * tolerance. WebCrypto only, so it runs in browsers and edge runtimes too.
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
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const tolerance = options.clockToleranceSeconds ?? 30;

  const decoded = decodeJwt(token);
  if (!decoded) fail('malformed', 'the token is not a compact JWS with JSON header and claims');
  const { header, payload } = decoded;
  if (header.alg !== 'ES256') fail('algorithm', 'only ES256 tokens are accepted');
  if (!sameTyp(header.typ)) fail('type', 'the token is not an access token (typ at+jwt)');
  if (header.crit !== undefined) {
    fail('malformed', 'the token has critical header parameters this verifier does not know');
  }
  if (typeof header.kid !== 'string' || header.kid.length === 0) {
    fail('unknown_key', 'the token names no kid');
  }
  if (decoded.signature.length !== 64) fail('signature', 'the signature is not an ES256 signature');

  const jwksUrl = options.jwksUrl ?? resolveUrl(options.issuer, '/oauth/token/jwks');
  const key = await (options.jwks ?? defaultJwks).key(jwksUrl, header.kid, fetchImpl, now());
  if (!key) fail('unknown_key', 'the token was not signed by a key in the issuer JWKS');
  const valid = await globalThis.crypto.subtle.verify(
    { name: 'ECDSA', hash: 'SHA-256' },
    key,
    decoded.signature,
    new TextEncoder().encode(decoded.signingInput),
  );
  if (!valid) fail('signature', 'the signature does not verify');

  if (payload.iss !== options.issuer) fail('issuer', 'the token was issued by someone else');
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.includes(options.audience)) fail('audience', 'the token is for another audience');
  const nowSeconds = now() / 1000;
  if (typeof payload.exp !== 'number') fail('malformed', 'the token has no exp');
  if (nowSeconds - tolerance >= payload.exp) fail('expired', 'the token has expired');
  if (typeof payload.nbf === 'number' && nowSeconds + tolerance < payload.nbf) {
    fail('not_yet_valid', 'the token is not valid yet');
  }
  if (typeof payload.iat === 'number' && nowSeconds + tolerance < payload.iat) {
    fail('not_yet_valid', 'the token was issued in the future');
  }
  if (typeof payload.sub !== 'string') fail('malformed', 'the token has no sub');
  return payload as AccessTokenClaims;
}
