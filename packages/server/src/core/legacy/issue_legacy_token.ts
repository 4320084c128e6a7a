import { randomUUID } from 'node:crypto';
import { unixSeconds } from '../clock.js';
import { credentialBindingClaims } from '../tokens/credential_binding_claims.js';
import type { CredentialBinding } from '../tokens/credential_stamps.js';
import type { IssuedToken } from '../tokens/issued_token.js';
import { signToken } from '../tokens/sign_token.js';
import { LEGACY_TOKEN_TYP } from '../tokens/token_types.js';
import type { LegacyDeps } from './legacy_deps.js';

/** Who a legacy JWT is for. */
export interface LegacyTokenSubject {
  /** `sub`: the user id. */
  readonly userId: string;
  /** `org`: the organization the token acts in. */
  readonly organizationId: string;
  /** `rid`: the legacy refresh token it was made from or with, so revoking that ends it too. */
  readonly refreshTokenId: string | null;
  /**
   * `cid`/`cst`: the API credential it was made from (`GET /api/v1/auth/token`), so revoking,
   * disabling or resetting the key ends it too; null for a password sign-in.
   */
  readonly credential: CredentialBinding | null;
  /**
   * `pst`: the stamp of the user's password hash (`stampOfSecret`) for a JWT made by a
   * password sign-in, so a password change ends it even without a refresh token; null
   * otherwise.
   */
  readonly passwordStamp: string | null;
}

/**
 * Issues a legacy JWT for `X-Auth-Token` (L-1, L-2): header `{ alg: 'ES256', typ:
 * 'legacy+jwt', kid }` with the signing keys access tokens use, claims `iss, sub, aud, org,
 * iat, exp, jti`, `rid` when it belongs to a refresh token, `cid`/`cst` when it was made
 * from an API credential and `pst` when it was made by a password sign-in. Its own `typ` is what keeps it
 * from passing as a Bearer access token, and an access token from passing as it. Throws
 * `SigningKeyError` when no key can sign.
 */
export async function issueLegacyToken(
  deps: Pick<LegacyDeps, 'tokens' | 'audience' | 'tokenLifetimeSeconds'>,
  subject: LegacyTokenSubject,
): Promise<IssuedToken> {
  const iat = unixSeconds(deps.tokens.now());
  const exp = iat + deps.tokenLifetimeSeconds;
  const jti = randomUUID();
  const token = await signToken(deps.tokens, LEGACY_TOKEN_TYP, {
    iss: deps.tokens.issuer,
    sub: subject.userId,
    aud: deps.audience,
    org: subject.organizationId,
    iat,
    exp,
    jti,
    ...(subject.refreshTokenId === null ? {} : { rid: subject.refreshTokenId }),
    ...credentialBindingClaims(subject.credential),
    ...(subject.passwordStamp === null ? {} : { pst: subject.passwordStamp }),
  });
  return { token, jti, expiresAt: exp };
}
