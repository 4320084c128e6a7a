/**
 * The closed set of reasons a presented JWT is refused; tests assert these, not wording.
 * - `malformed`: not a compact JWS of JSON objects, too long, or unreadable.
 * - `unsupported_algorithm`: `alg` is not `ES256` (this covers `none` and `HS256`).
 * - `forbidden_header`: carries `jku`, `jwk`, `x5u`, `x5c` or `crit`.
 * - `unknown_key`: no `kid`, or a `kid` that is not one of keygate's signing keys.
 * - `invalid_signature`: the signature does not verify with that key.
 * - `wrong_type`: signed by keygate but another kind of token (`typ`).
 * - `wrong_issuer`, `wrong_audience`: `iss` / `aud` do not match.
 * - `expired`: `exp` has passed; `not_yet_valid`: `nbf` is still ahead.
 * - `invalid_claims`: a required claim is missing or of the wrong type.
 */
export type TokenFailureCode =
  | 'malformed'
  | 'unsupported_algorithm'
  | 'forbidden_header'
  | 'unknown_key'
  | 'invalid_signature'
  | 'wrong_type'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'expired'
  | 'not_yet_valid'
  | 'invalid_claims';

/**
 * A refused token. A value, not an exception: refusals are the common case on a public
 * endpoint. It never contains the token or any part of it.
 */
export interface TokenFailure {
  readonly ok: false;
  readonly code: TokenFailureCode;
}

/** Builds a failure value. */
export function tokenFailure(code: TokenFailureCode): TokenFailure {
  return { ok: false, code };
}
