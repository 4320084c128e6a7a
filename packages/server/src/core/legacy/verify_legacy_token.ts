import { readCredentialBinding } from '../tokens/credential_binding_claims.js';
import type { CredentialBinding } from '../tokens/credential_stamps.js';
import { isNonEmptyString } from '../tokens/is_non_empty_string.js';
import type { TokenDeps } from '../tokens/token_deps.js';
import { type TokenFailure, tokenFailure } from '../tokens/token_failure.js';
import { LEGACY_TOKEN_TYP } from '../tokens/token_types.js';
import {
  type SignedTokenClaims,
  signedTokenClaims,
  verifySignedToken,
} from '../tokens/verify_signed_token.js';

/** The claims of a verified legacy JWT (L-2). */
export interface LegacyTokenClaims extends SignedTokenClaims {
  readonly organizationId: string;
  /** `rid`, or null when the token was made without a refresh token. */
  readonly refreshTokenId: string | null;
  /** `cid`/`cst`, or null when the token was not made from an API credential. */
  readonly credential: CredentialBinding | null;
  /** `pst`, or null when the token was not made by a password sign-in. */
  readonly passwordStamp: string | null;
}

/** The outcome of {@link verifyLegacyToken}. */
export type LegacyTokenVerification =
  | { readonly ok: true; readonly claims: LegacyTokenClaims }
  | TokenFailure;

/**
 * Verifies a presented `X-Auth-Token` (L-2) with the checks of `verifyAccessToken` (pinned
 * ES256, keygate's keys only by `kid`, no `jku`/`jwk`/`x5u`/`x5c`/`crit`, `iss`, `aud`, `exp`),
 * except that `typ` must be `legacy+jwt`: an access token, an OAuth refresh token or anything
 * else is `wrong_type`, and an opaque legacy refresh token is `malformed`. `sub`, `org` and
 * `jti` must be present. Never throws for bad input, only when keys cannot be loaded.
 */
export async function verifyLegacyToken(
  deps: TokenDeps,
  token: unknown,
  audience: string,
): Promise<LegacyTokenVerification> {
  const verified = await verifySignedToken(deps, token, { typ: LEGACY_TOKEN_TYP, audience });
  if (!verified.ok) return verified;
  const { org, rid, pst } = verified.payload;
  const credential = readCredentialBinding(verified.payload);
  if (
    !isNonEmptyString(org) ||
    (rid !== undefined && !isNonEmptyString(rid)) ||
    (pst !== undefined && !isNonEmptyString(pst)) ||
    credential === 'invalid'
  ) {
    return tokenFailure('invalid_claims');
  }
  return {
    ok: true,
    claims: {
      ...signedTokenClaims(verified),
      organizationId: org,
      refreshTokenId: rid ?? null,
      credential,
      passwordStamp: pst ?? null,
    },
  };
}
