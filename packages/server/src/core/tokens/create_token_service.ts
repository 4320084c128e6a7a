import type { TokenService } from '../oauth/token_service.js';
import { issueAccessToken } from './issue_access_token.js';
import { issueRefreshToken } from './issue_refresh_token.js';
import { TOKEN_DEFAULTS } from './token_defaults.js';
import type { TokenDeps } from './token_deps.js';
import { verifyAccessToken } from './verify_access_token.js';
import { verifyRefreshToken } from './verify_refresh_token.js';

/** Settings of the grants' token service. */
export interface TokenServiceOptions {
  /** `aud` of access tokens; default the issuer (keygate's own `/api/*` routes). */
  readonly accessTokenAudience?: string;
  /** Default 3600 (O-10). */
  readonly accessTokenLifetimeSeconds?: number;
}

/**
 * The grants' `TokenService` (core/oauth/token_service.ts) over this folder's functions:
 * ES256 access tokens (`at+jwt`) and refresh tokens (`rt+jwt`) signed with the cached
 * signing keys. The verify methods answer null for anything that is not a valid, unexpired
 * keygate token of their kind (access tokens: for `accessTokenAudience`), whatever the
 * reason; call `verifyAccessToken` / `verifyRefreshToken` directly to log the failure code.
 */
export function createTokenService(
  deps: TokenDeps,
  options: TokenServiceOptions = {},
): TokenService {
  const audience = options.accessTokenAudience ?? deps.issuer;
  const lifetimeSeconds =
    options.accessTokenLifetimeSeconds ?? TOKEN_DEFAULTS.accessTokenLifetimeSeconds;
  return {
    issueAccessToken: (subject) =>
      issueAccessToken(deps, {
        subject: subject.subject,
        clientId: subject.clientId,
        scope: subject.scope,
        organizationId: subject.organizationId,
        familyId: subject.familyId,
        credential: subject.credential ?? null,
        audience,
        lifetimeSeconds,
      }),
    issueRefreshToken: (subject, jti, expiresAt) =>
      issueRefreshToken(deps, {
        subject: subject.subject,
        clientId: subject.clientId,
        scope: subject.scope,
        organizationId: subject.organizationId,
        familyId: subject.familyId,
        jti,
        expiresAt,
      }),
    async verifyRefreshToken(token) {
      const result = await verifyRefreshToken(deps, token);
      if (!result.ok) return null;
      return result.claims;
    },
    async verifyAccessToken(token) {
      const result = await verifyAccessToken(deps, token, { audience });
      if (!result.ok) return null;
      return result.claims;
    },
  };
}
