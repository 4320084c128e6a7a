import { randomUUID } from 'node:crypto';
import { unixSeconds } from '../clock.js';
import { checkTokenRequest } from './check_token_request.js';
import type { IssuedToken } from './issued_token.js';
import { oauthClientClaimsPayload } from './oauth_client_claims.js';
import { signToken } from './sign_token.js';
import { TOKEN_DEFAULTS } from './token_defaults.js';
import type { TokenDeps } from './token_deps.js';
import { REFRESH_TOKEN_TYP } from './token_types.js';

/** Who and what a refresh token is for. */
export interface RefreshTokenRequest {
  readonly subject: string;
  readonly clientId: string;
  readonly scope: string;
  /** `org`; null (claim omitted) when the token acts in no organization. */
  readonly organizationId: string | null;
  /** `fid`: every refresh token belongs to a family (O-9). */
  readonly familyId: string;
  /** The `jti` the grant stored the token's row under; a random UUID when omitted. */
  readonly jti?: string;
  /** `exp` in unix seconds, as stored in the row; otherwise now + `lifetimeSeconds`. */
  readonly expiresAt?: number;
  /** Default 432000 (O-9); ignored when `expiresAt` is given. */
  readonly lifetimeSeconds?: number;
}

/**
 * Issues a refresh token as a JWT (O-9) so it can be inspected like Penneo's, while its state
 * (single use, family) lives server-side under its `jti`: header
 * `{ alg: 'ES256', typ: 'rt+jwt', kid }`, claims `iss, sub, aud` (the issuer itself: only
 * keygate's token endpoint accepts it) `, client_id, scope, org, iat, exp, jti, fid`. Its own
 * `typ` keeps it from passing as an access token and the reverse. Throws `TypeError` on caller
 * misuse and `SigningKeyError` when no key can sign.
 */
export async function issueRefreshToken(
  deps: TokenDeps,
  request: RefreshTokenRequest,
): Promise<IssuedToken> {
  const { subject, clientId, scope, organizationId, familyId } = request;
  const jti = request.jti ?? randomUUID();
  checkTokenRequest({ subject, clientId, organizationId, familyId, jti }, ['organizationId']);
  if (typeof scope !== 'string') throw new TypeError('scope must be a string');
  const iat = unixSeconds(deps.now());
  const lifetime = request.lifetimeSeconds ?? TOKEN_DEFAULTS.refreshTokenLifetimeSeconds;
  const exp = request.expiresAt ?? iat + lifetime;
  if (!Number.isSafeInteger(exp) || exp <= iat) {
    throw new TypeError('the refresh token must expire after now (expiresAt or lifetimeSeconds)');
  }
  const token = await signToken(deps, REFRESH_TOKEN_TYP, {
    iss: deps.issuer,
    sub: subject,
    aud: deps.issuer,
    ...oauthClientClaimsPayload({ clientId, scope, organizationId }),
    iat,
    exp,
    jti,
    fid: familyId,
  });
  return { token, jti, expiresAt: exp };
}
