/**
 * The JWT `typ` header values keygate issues, one per kind of token, so each check accepts
 * only its own kind (O-9, O-10, L-2): the Bearer check takes only {@link ACCESS_TOKEN_TYP},
 * the refresh grant only {@link REFRESH_TOKEN_TYP}, the `X-Auth-Token` check only
 * {@link LEGACY_TOKEN_TYP}. All are signed by the same keys, so `typ` is what stops a token
 * of one kind from being presented as another. Compared as RFC 7515 §4.1.9 media types
 * (case-insensitive, an `application/` prefix allowed), see {@link sameTokenTyp}.
 */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/** `typ` of OAuth refresh tokens (O-9): keygate's own media type, not a registered one. */
export const REFRESH_TOKEN_TYP = 'rt+jwt';

/** `typ` of the legacy `X-Auth-Token` JWTs (L-2); legacy refresh tokens are opaque, not JWTs (L-3). */
export const LEGACY_TOKEN_TYP = 'legacy+jwt';

/** One of the token kinds keygate signs. */
export type TokenTyp = typeof ACCESS_TOKEN_TYP | typeof REFRESH_TOKEN_TYP | typeof LEGACY_TOKEN_TYP;

/**
 * True when a presented `typ` header names `expected`: media type names are case-insensitive
 * and `application/` may be omitted (RFC 7515 §4.1.9), exactly as jose's `typ` option
 * compares. Anything that is not a string is never a match.
 */
export function sameTokenTyp(presented: unknown, expected: TokenTyp): boolean {
  if (typeof presented !== 'string') return false;
  const lower = presented.toLowerCase();
  return lower === expected || lower === `application/${expected}`;
}
