import { readCredentialBinding } from './credential_binding_claims.js';
import type { CredentialBinding } from './credential_stamps.js';
import { isNonEmptyString } from './is_non_empty_string.js';
import { type OAuthClientClaims, readOAuthClientClaims } from './oauth_client_claims.js';
import type { TokenDeps } from './token_deps.js';
import { type TokenFailure, tokenFailure } from './token_failure.js';
import { ACCESS_TOKEN_TYP } from './token_types.js';
import {
  type SignedTokenClaims,
  signedTokenClaims,
  verifySignedToken,
} from './verify_signed_token.js';

/** The claims of a verified access token (O-10). */
export interface AccessTokenClaims extends SignedTokenClaims, OAuthClientClaims {
  readonly issuer: string;
  readonly audience: readonly string[];
  /** `fid`, or null for tokens outside a family; check it against revocations. */
  readonly familyId: string | null;
  /** `cid`/`cst`, or null; check it against the credential's current stamp. */
  readonly credential: CredentialBinding | null;
}

/** The outcome of {@link verifyAccessToken}. */
export type AccessTokenVerification =
  | { readonly ok: true; readonly claims: AccessTokenClaims }
  | TokenFailure;

/** What the verifying resource expects. */
export interface VerifyAccessTokenOptions {
  /** This resource's identifier: must be the token's `aud` or one of its entries. */
  readonly audience: string;
  /** Leeway for `exp`/`nbf`; default 0. */
  readonly clockToleranceSeconds?: number;
}

/**
 * Verifies a Bearer access token (O-10, RFC 9068 §4) and returns its claims, or a failure
 * with a `TokenFailureCode`; it never throws for bad input (garbage, huge strings, forged or
 * foreign tokens), only when keys cannot be loaded from the store.
 *
 * Pinned to `alg: ES256` (so `alg: none` and HS256 keyed with the public key are refused
 * before any key is used, see `verifySignedToken`), `typ` must be `at+jwt` (a refresh token
 * or a legacy JWT is `wrong_type`), `iss` must be keygate's issuer, `aud` must include
 * `audience`, `exp` must be ahead of the injected clock; keys come only from keygate's store
 * by `kid`, and tokens carrying `jku`, `jwk`, `x5u` or `x5c` are refused. `sub`, `client_id`,
 * `jti` and `scope` must be present. Revocation is the caller's next step: look up
 * `familyId`, `jti` and `credential`.
 */
export async function verifyAccessToken(
  deps: TokenDeps,
  token: unknown,
  options: VerifyAccessTokenOptions,
): Promise<AccessTokenVerification> {
  const verified = await verifySignedToken(deps, token, {
    typ: ACCESS_TOKEN_TYP,
    audience: options.audience,
    ...(options.clockToleranceSeconds === undefined
      ? {}
      : { clockToleranceSeconds: options.clockToleranceSeconds }),
  });
  if (!verified.ok) return verified;
  const client = readOAuthClientClaims(verified.payload);
  const { fid } = verified.payload;
  const credential = readCredentialBinding(verified.payload);
  if (
    client === null ||
    (fid !== undefined && !isNonEmptyString(fid)) ||
    credential === 'invalid'
  ) {
    return tokenFailure('invalid_claims');
  }
  return {
    ok: true,
    claims: {
      ...signedTokenClaims(verified),
      issuer: deps.issuer,
      audience: verified.audience,
      ...client,
      familyId: fid ?? null,
      credential,
    },
  };
}
