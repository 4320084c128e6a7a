import { isNonEmptyString } from './is_non_empty_string.js';
import { type OAuthClientClaims, readOAuthClientClaims } from './oauth_client_claims.js';
import type { TokenDeps } from './token_deps.js';
import { type TokenFailure, tokenFailure } from './token_failure.js';
import { REFRESH_TOKEN_TYP } from './token_types.js';
import {
  type SignedTokenClaims,
  signedTokenClaims,
  verifySignedToken,
} from './verify_signed_token.js';

/** The claims of a verified refresh token JWT (O-9). */
export interface RefreshTokenClaims extends SignedTokenClaims, OAuthClientClaims {
  /** `fid`. The `jti` keys the server-side row that decides whether it may still be used. */
  readonly familyId: string;
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
    claims: { ...signedTokenClaims(verified), ...client, familyId: fid },
  };
}
