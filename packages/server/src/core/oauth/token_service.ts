import type { CredentialBinding } from '../tokens/credential_stamps.js';
import type { IssuedToken } from '../tokens/issued_token.js';
import type { AccessTokenClaims } from '../tokens/verify_access_token.js';
import type { RefreshTokenClaims } from '../tokens/verify_refresh_token.js';

/** Claims common to the tokens keygate issues for a grant. */
export interface TokenSubject {
  /** `sub`: the user id, or the client id for client_credentials. */
  readonly subject: string;
  readonly clientId: string;
  readonly scope: string;
  /** `org`: the organization the token acts in; null for client_credentials. */
  readonly organizationId: string | null;
  /** `fid`: the token family, for tokens that descend from an authorization code. */
  readonly familyId: string | null;
  /** `cid`/`cst`: the API credential an api_keys token was made from; default none. */
  readonly credential?: CredentialBinding | null;
}

/**
 * What grants need from the JWT layer (O-9, O-10): sign access and refresh tokens, and check a
 * presented refresh token's signature, type, issuer and expiry. Implemented over the signing
 * key store; grants do not know about JOSE.
 */
export interface TokenService {
  issueAccessToken(subject: TokenSubject): Promise<IssuedToken>;
  /** Signs a refresh token for a jti the grant chose (its row is stored by the grant). */
  issueRefreshToken(
    subject: TokenSubject & { readonly familyId: string },
    jti: string,
    expiresAt: number,
  ): Promise<IssuedToken>;
  /** Null for anything that is not a valid, unexpired keygate refresh token. */
  verifyRefreshToken(token: string): Promise<RefreshTokenClaims | null>;
  /** Null for anything that is not a valid, unexpired keygate access token for our audience. */
  verifyAccessToken(token: string): Promise<AccessTokenClaims | null>;
}
