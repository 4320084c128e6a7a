import type { FastifyRequest } from 'fastify';
import { AuthenticationError, WSSE_CHALLENGE } from '../../core/authentication_error.js';
import { checkLegacyToken, type LegacyTokenFailure } from '../../core/legacy/check_legacy_token.js';
import type { LegacyDeps } from '../../core/legacy/legacy_deps.js';
import type { AccessTokenCheckCache } from '../../core/oauth/access_token_check_cache.js';
import {
  type AccessTokenCheckOutcome,
  type AccessTokenFailure,
  checkAccessToken,
} from '../../core/oauth/check_access_token.js';
import type { TokenService } from '../../core/oauth/token_service.js';
import type { Principal } from '../../core/principal.js';
import type { CredentialStamps } from '../../core/tokens/credential_stamps.js';
import type { WsseVerifierDeps } from '../../core/wsse/verify_username_token.js';
import { verifyWsseHeader } from '../../core/wsse/verify_wsse_header.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on protected routes (R-1). */
    principal: Principal | null;
  }
}

/** What the authentication hook needs. */
export interface AuthenticationDeps {
  readonly wsse: WsseVerifierDeps;
  readonly tokens: TokenService;
  /** What tokens made from an API key are checked against (R-3). */
  readonly credentialStamps: CredentialStamps;
  /** Bearer store checks remembered for a few seconds (R-3); absent: every check reads the store. */
  readonly accessTokenChecks?: AccessTokenCheckCache<AccessTokenCheckOutcome>;
  /** The `X-Auth-Token` check (L-2). */
  readonly legacy: Pick<LegacyDeps, 'store' | 'tokens' | 'audience' | 'credentialStamps'>;
}

const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;
// Penneo's `Authorization: JWT <token>`; a bare `Authorization: JWT` beside X-Auth-Token is
// what Penneo's docs send, and the token then comes from X-Auth-Token.
const JWT_AUTHORIZATION = /^JWT[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;

const BEARER_FAILURES: Readonly<Record<AccessTokenFailure, string>> = {
  invalid_token: 'The access token is malformed, expired, or not issued by this server.',
  revoked: 'The access token has been revoked.',
  subject_disabled: 'The user or organization of this access token is disabled.',
};

const LEGACY_FAILURES: Readonly<Record<LegacyTokenFailure, string>> = {
  invalid_token:
    'The X-Auth-Token is malformed, expired, not a legacy JWT, or not issued by this server.',
  revoked: 'The token has been revoked (password changed or refresh token revoked).',
  subject_disabled: 'The user or organization of this token is disabled.',
};

/** A Bearer or legacy JWT that does not hold: 401 with an RFC 6750 §3 error challenge. */
function invalidToken(scheme: 'Bearer' | 'JWT', description: string): AuthenticationError {
  return new AuthenticationError('invalid_token', description, [
    { scheme, params: { error: 'invalid_token', error_description: description } },
  ]);
}

/**
 * Builds the `onRequest` hook that guards `/api/*` (R-1): WSSE (`X-WSSE`), an OAuth access
 * token (`Authorization: Bearer`) or a legacy JWT (`X-Auth-Token` or `Authorization: JWT`,
 * L-2), each yielding one principal. A failure throws an {@link AuthenticationError} with the
 * scheme's challenge (every challenge when no credential was sent); store failures are thrown
 * on as they are. The error handler answers both.
 */
export function createAuthenticationHook(deps: AuthenticationDeps) {
  async function wsse(request: FastifyRequest, header: string | string[]) {
    if (Array.isArray(header)) {
      throw new AuthenticationError('malformed_header', 'Send exactly one X-WSSE header.', [
        WSSE_CHALLENGE,
      ]);
    }
    const result = await verifyWsseHeader(deps.wsse, header);
    if (!result.ok) {
      throw new AuthenticationError(result.code, result.description, [WSSE_CHALLENGE]);
    }
    request.principal = result.principal;
  }

  async function bearer(request: FastifyRequest, authorization: string) {
    const token = BEARER.exec(authorization)?.[1];
    const checked = token
      ? await checkAccessToken(
          {
            store: deps.wsse.store,
            tokens: deps.tokens,
            credentialStamps: deps.credentialStamps,
            accessTokenChecks: deps.accessTokenChecks,
          },
          token,
        )
      : null;
    if (!checked?.ok) {
      throw invalidToken('Bearer', BEARER_FAILURES[checked?.reason ?? 'invalid_token']);
    }
    const { claims, user, organization } = checked.token;
    request.principal = {
      user,
      organization,
      client: { id: claims.clientId },
      scopes: claims.scope === '' ? [] : claims.scope.split(' '),
      scheme: 'bearer',
    };
  }

  /** `X-Auth-Token` or `Authorization: JWT` (L-2): only legacy JWTs, never access tokens. */
  async function legacyJwt(request: FastifyRequest, presented: unknown) {
    const checked =
      typeof presented === 'string' ? await checkLegacyToken(deps.legacy, presented) : null;
    if (!checked?.ok) {
      throw invalidToken('JWT', LEGACY_FAILURES[checked?.reason ?? 'invalid_token']);
    }
    request.principal = checked.principal;
  }

  return async function authenticate(request: FastifyRequest): Promise<void> {
    const xWsse = request.headers['x-wsse'];
    if (xWsse !== undefined) return wsse(request, xWsse);
    const xAuthToken = request.headers['x-auth-token'];
    if (xAuthToken !== undefined) return legacyJwt(request, xAuthToken);
    const authorization = request.headers.authorization;
    if (authorization !== undefined && /^JWT\b/i.test(authorization)) {
      return legacyJwt(request, JWT_AUTHORIZATION.exec(authorization)?.[1]);
    }
    if (authorization !== undefined && /^Bearer\b/i.test(authorization)) {
      return bearer(request, authorization);
    }
    throw new AuthenticationError(
      'authentication_required',
      'Send an X-WSSE UsernameToken header, an Authorization: Bearer access token or an X-Auth-Token legacy JWT.',
      [WSSE_CHALLENGE, { scheme: 'Bearer' }, { scheme: 'JWT' }],
    );
  };
}
