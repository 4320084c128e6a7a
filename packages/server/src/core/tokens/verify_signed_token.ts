import { verify } from 'node:crypto';
import { unixSeconds } from '../clock.js';
import { isNonEmptyString } from './is_non_empty_string.js';
import { TOKEN_DEFAULTS } from './token_defaults.js';
import type { TokenDeps } from './token_deps.js';
import { type TokenFailure, tokenFailure } from './token_failure.js';
import { sameTokenTyp, type TokenTyp } from './token_types.js';
import type { VerifiedSignature } from './verified_token_cache.js';

/** What a token must be, beyond a valid signature by one of keygate's keys. */
export interface SignedTokenExpectations {
  /** The only `typ` accepted. */
  readonly typ: TokenTyp;
  /** Must equal `aud`, or be one of its entries. */
  readonly audience: string;
  /** Leeway for `exp` and `nbf`; default 0. */
  readonly clockToleranceSeconds?: number;
}

/**
 * A token whose signature, header and registered claims all passed: the claims every keygate
 * token carries, read and type-checked, and the whole payload for each token type's own.
 */
/** The claims every keygate JWT carries, as every verifier returns them. */
export interface SignedTokenClaims {
  /** The signing key's id. */
  readonly kid: string;
  /** `sub`. */
  readonly subject: string;
  /** `jti`. */
  readonly jti: string;
  /** `iat`, unix seconds. */
  readonly issuedAt: number;
  /** `exp`, unix seconds. */
  readonly expiresAt: number;
}

/** The {@link SignedTokenClaims} of a verified token. */
export function signedTokenClaims(verified: VerifiedToken): SignedTokenClaims {
  const { kid, subject, jti, issuedAt, expiresAt } = verified;
  return { kid, subject, jti, issuedAt, expiresAt };
}

export interface VerifiedToken {
  readonly ok: true;
  readonly kid: string;
  readonly payload: Readonly<Record<string, unknown>>;
  /** `sub`, a non-empty string. */
  readonly subject: string;
  /** `jti`, a non-empty string. */
  readonly jti: string;
  readonly audience: readonly string[];
  readonly issuedAt: number;
  readonly expiresAt: number;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
// The signature may be empty here so an unsigned `alg: none` token is named for what it is.
const BASE64URL_OR_EMPTY = /^[A-Za-z0-9_-]*$/;
// 64 bytes: r ‖ s, 32 bytes each (RFC 7518 §3.4), in base64url without padding.
const ES256_SIGNATURE_LENGTH = 86;
// Headers that would let the token choose its own verification key.
const KEY_CARRYING_HEADERS = ['jku', 'jwk', 'x5u', 'x5c'] as const;

/**
 * Verifies a compact JWT signed by keygate (the shared part of the access and refresh token
 * checks), never throwing for bad input: every malformed, forged, foreign or stale token is a
 * {@link TokenFailure}. Only store failures (from loading keys) reject.
 *
 * Checks, in order: size and shape; `alg` is exactly `ES256`; no `jku`, `jwk`, `x5u`, `x5c`
 * or `crit` header; `kid` names a key in keygate's own store; the ES256 signature (node:crypto
 * on the cached public `KeyObject`, IEEE P1363 `r ‖ s`, canonical base64url); `typ`; `iss`;
 * `aud`; `exp`; `nbf`; `iat` present; `sub` and `jti` non-empty strings. With `deps.verifiedTokens`, a token whose exact bytes
 * verified before skips the parsing and the ECDSA step, as long as the same key is still
 * loaded; every check from `typ` on runs again.
 *
 * Why `alg: none` and HS256 cannot pass: the algorithm is pinned. The header's `alg` must
 * equal `ES256` before any key is looked up, so an unsigned token or one "signed" with HMAC
 * is refused as `unsupported_algorithm` without its signature being read; the verification
 * itself is ECDSA P-256 with SHA-256, fixed here, never chosen by the header; and the key is
 * an EC public `KeyObject`, which cannot serve as an HMAC secret, so the classic confusion
 * (HMAC keyed with the public key's bytes, which anyone can fetch from the JWKS) has no
 * code path. Keys come only from keygate's store by `kid`: a token naming its own key (`jku`,
 * `x5u` URLs, embedded `jwk`, `x5c` chains) is refused outright, even when the signature
 * would verify with one of keygate's keys.
 */
export async function verifySignedToken(
  deps: TokenDeps,
  token: unknown,
  expected: SignedTokenExpectations,
): Promise<VerifiedToken | TokenFailure> {
  if (typeof token !== 'string' || token.length > TOKEN_DEFAULTS.maxTokenLength) {
    return tokenFailure('malformed');
  }
  const remembered = deps.verifiedTokens?.get(token);
  if (remembered !== undefined) {
    if ((await deps.keys.verificationKey(remembered.kid)) === remembered.key) {
      const result = checkClaims(deps, remembered, expected);
      if (!result.ok && result.code === 'expired') deps.verifiedTokens?.forget(token);
      return result;
    }
    deps.verifiedTokens?.forget(token);
  }
  const verified = await verifySignature(deps, token);
  if (!verified.ok) return verified;
  deps.verifiedTokens?.remember(token, verified.signature);
  return checkClaims(deps, verified.signature, expected);
}

async function verifySignature(
  deps: TokenDeps,
  token: string,
): Promise<{ ok: true; signature: VerifiedSignature } | TokenFailure> {
  const firstDot = token.indexOf('.');
  const secondDot = token.indexOf('.', firstDot + 1);
  if (firstDot <= 0 || secondDot < 0 || token.indexOf('.', secondDot + 1) !== -1) {
    return tokenFailure('malformed');
  }
  const encodedHeader = token.slice(0, firstDot);
  const encodedPayload = token.slice(firstDot + 1, secondDot);
  const encodedSignature = token.slice(secondDot + 1);
  if (
    !BASE64URL.test(encodedHeader) ||
    !BASE64URL.test(encodedPayload) ||
    !BASE64URL_OR_EMPTY.test(encodedSignature)
  ) {
    return tokenFailure('malformed');
  }
  const header = decodeJsonObject(encodedHeader);
  if (header === null) return tokenFailure('malformed');
  if (header.alg !== 'ES256') return tokenFailure('unsupported_algorithm');
  for (const name of KEY_CARRYING_HEADERS) {
    if (Object.hasOwn(header, name)) return tokenFailure('forbidden_header');
  }
  // keygate understands no JWS extension, so any `crit` must be refused (RFC 7515 §4.1.11).
  if (Object.hasOwn(header, 'crit')) return tokenFailure('forbidden_header');
  const kid = header.kid;
  if (typeof kid !== 'string' || kid.length === 0) return tokenFailure('unknown_key');
  const key = await deps.keys.verificationKey(kid);
  if (key === null) return tokenFailure('unknown_key');

  if (encodedSignature.length !== ES256_SIGNATURE_LENGTH) {
    return tokenFailure('invalid_signature');
  }
  const signature = Buffer.from(encodedSignature, 'base64url');
  // Only the canonical spelling: the trailing bits of the last character must be zero.
  if (signature.toString('base64url') !== encodedSignature) {
    return tokenFailure('invalid_signature');
  }
  const signingInput = Buffer.from(token.slice(0, secondDot), 'latin1');
  let valid: boolean;
  try {
    valid = verify('sha256', signingInput, { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    valid = false;
  }
  if (!valid) return tokenFailure('invalid_signature');
  const payload = decodeJsonObject(encodedPayload);
  if (payload === null) return tokenFailure('malformed');
  return {
    ok: true,
    signature: { kid, key, header: deepFreeze(header), payload: deepFreeze(payload) },
  };
}

function checkClaims(
  deps: TokenDeps,
  { kid, header, payload }: VerifiedSignature,
  expected: SignedTokenExpectations,
): VerifiedToken | TokenFailure {
  if (!sameTokenTyp(header.typ, expected.typ)) return tokenFailure('wrong_type');
  if (payload.iss !== deps.issuer) return tokenFailure('wrong_issuer');
  const audience = readAudience(payload.aud);
  if (audience === null || !audience.includes(expected.audience)) {
    return tokenFailure('wrong_audience');
  }
  const { exp, nbf, iat } = payload;
  if (!isNumericDate(exp) || !isNumericDate(iat) || (nbf !== undefined && !isNumericDate(nbf))) {
    return tokenFailure('invalid_claims');
  }
  const tolerance = expected.clockToleranceSeconds ?? 0;
  const now = unixSeconds(deps.now());
  if (exp <= now - tolerance) return tokenFailure('expired');
  if (nbf !== undefined && nbf > now + tolerance) return tokenFailure('not_yet_valid');
  const { sub, jti } = payload;
  if (!isNonEmptyString(sub) || !isNonEmptyString(jti)) return tokenFailure('invalid_claims');
  return { ok: true, kid, payload, subject: sub, jti, audience, issuedAt: iat, expiresAt: exp };
}

function decodeJsonObject(encoded: string): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function readAudience(aud: unknown): readonly string[] | null {
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud) && aud.every((entry) => typeof entry === 'string')) {
    return aud as string[];
  }
  return null;
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
