import { isNonEmptyString } from './is_non_empty_string.js';
import { type OAuthClientClaims, readOAuthClientClaims } from './oauth_client_claims.js';
import type { TokenDeps } from './token_deps.js';
import { type TokenFailure, tokenFailure } from './token_failure.js';
import { REFRESH_TOKEN_TYP } from './token_types.js';
import { verifySignedToken } from './verify_signed_token.js';

/** The claims of a verified refresh token JWT (O-9). */
export interface RefreshTokenClaims extends OAuthClientClaims {
  readonly kid: string;
  readonly subject: string;
  readonly familyId: string;
  /** Key of the server-side row that decides whether the token may still be used. */
  readonly jti: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** The outcome of {@link verifyRefreshToken}. */
export type RefreshTokenVerification =
  | { readonly ok: true; readonly claims: RefreshTokenClaims }
  | TokenFailure;

/**
 * Verifies a presented refresh token JWT (O-9) with exactly the checks of
 * `verifyAccessToken` (pinned ES256, keygate's keys only, no key-carrying headers, `iss`,
 * `exp`), except that `typ` must be `rt+jwt` (an access token is `wrong_type`) and `aud` must
 * be the issuer. Never throws for bad input. A valid signature is only the first step: the
 * grant must then find the `jti` row unconsumed, the family unrevoked and the client
 * unchanged.
 */
export async function verifyRefreshToken(
  deps: TokenDeps,
  token: unknown,
): Promise<RefreshTokenVerification> {
  const verified = await verifySignedToken(deps, token, {
    typ: REFRESH_TOKEN_TYP,
    audience: deps.issuer,
  });
  if (!verified.ok) return verified;
  const client = readOAuthClientClaims(verified.payload);
  const { fid } = verified.payload;
  if (client === null || !isNonEmptyString(fid)) return tokenFailure('invalid_claims');
  return {
    ok: true,
    claims: {
      kid: verified.kid,
      subject: verified.subject,
      ...client,
      familyId: fid,
      jti: verified.jti,
      issuedAt: verified.issuedAt,
      expiresAt: verified.expiresAt,
    },
  };
}
