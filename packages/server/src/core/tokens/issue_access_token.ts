import { randomUUID } from 'node:crypto';
import { unixSeconds } from '../clock.js';
import { checkTokenRequest } from './check_token_request.js';
import { credentialBindingClaims } from './credential_binding_claims.js';
import type { CredentialBinding } from './credential_stamps.js';
import type { IssuedToken } from './issued_token.js';
import { oauthClientClaimsPayload } from './oauth_client_claims.js';
import { signToken } from './sign_token.js';
import { TOKEN_DEFAULTS } from './token_defaults.js';
import type { TokenDeps } from './token_deps.js';
import { ACCESS_TOKEN_TYP } from './token_types.js';

/** Who and what an access token is for. */
export interface AccessTokenRequest {
  /** `sub`: the user id, or the client id for client_credentials. */
  readonly subject: string;
  /** `client_id`. */
  readonly clientId: string;
  /** `scope`: space-separated, possibly empty. */
  readonly scope: string;
  /** `org`; null (claim omitted) when the token acts in no organization. */
  readonly organizationId: string | null;
  /** `aud`: the resource server(s) the token is for. */
  readonly audience: string;
  /** `fid`: the token family, so revoking it stops the token; omitted when null. */
  readonly familyId?: string | null;
  /**
   * `cid` and `cst`: the API credential the token was made from (api_keys grant), so revoking,
   * disabling or resetting the key stops the token; omitted when null.
   */
  readonly credential?: CredentialBinding | null;
  /** Default 3600 (O-10). */
  readonly lifetimeSeconds?: number;
}

/**
 * Issues an RFC 9068 access token (O-10): header `{ alg: 'ES256', typ: 'at+jwt', kid }`,
 * claims `iss, sub, aud, client_id, scope, org, iat, exp, jti`, `fid` when the token
 * belongs to a family and `cid`/`cst` when it was made from an API credential. The `jti` is a random UUID. Throws `TypeError` on caller misuse and
 * `SigningKeyError` when no key can sign.
 */
export async function issueAccessToken(
  deps: TokenDeps,
  request: AccessTokenRequest,
): Promise<IssuedToken> {
  const { subject, clientId, scope, organizationId, audience } = request;
  const familyId = request.familyId ?? null;
  const lifetime = request.lifetimeSeconds ?? TOKEN_DEFAULTS.accessTokenLifetimeSeconds;
  checkTokenRequest({ subject, clientId, audience, organizationId, familyId }, [
    'organizationId',
    'familyId',
  ]);
  if (typeof scope !== 'string') throw new TypeError('scope must be a string');
  if (!Number.isSafeInteger(lifetime) || lifetime <= 0) {
    throw new TypeError('lifetimeSeconds must be a positive integer');
  }
  const iat = unixSeconds(deps.now());
  const exp = iat + lifetime;
  const jti = randomUUID();
  const token = await signToken(deps, ACCESS_TOKEN_TYP, {
    iss: deps.issuer,
    sub: subject,
    aud: audience,
    ...oauthClientClaimsPayload({ clientId, scope, organizationId }),
    iat,
    exp,
    jti,
    ...(familyId === null ? {} : { fid: familyId }),
    ...credentialBindingClaims(request.credential ?? null),
  });
  return { token, jti, expiresAt: exp };
}
