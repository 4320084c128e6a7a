import type { FastifyReply, FastifyRequest } from 'fastify';
import { checkLegacyToken } from '../core/legacy/check_legacy_token.js';
import type { LegacyDeps } from '../core/legacy/legacy_deps.js';
import type { AccessTokenCheckCache } from '../core/oauth/access_token_check_cache.js';
import {
  type AccessTokenCheckOutcome,
  checkAccessToken,
} from '../core/oauth/check_access_token.js';
import type { TokenService } from '../core/oauth/token_service.js';
import type { Principal } from '../core/principal.js';
import type { CredentialStamps } from '../core/tokens/credential_stamps.js';
import type { WsseVerifierDeps } from '../core/wsse/verify_username_token.js';
import { verifyWsseHeader } from '../core/wsse/verify_wsse_header.js';
import { sendJsonError } from './send_json_error.js';

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
  readonly realm: string;
}

const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;
// Penneo's `Authorization: JWT <token>`; a bare `Authorization: JWT` beside X-Auth-Token is
// what Penneo's docs send, and the token then comes from X-Auth-Token.
const JWT_AUTHORIZATION = /^JWT[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;

/**
 * Builds the `onRequest` hook that guards `/api/*` (R-1): WSSE (`X-WSSE`), an OAuth access
 * token (`Authorization: Bearer`) or a legacy JWT (`X-Auth-Token` or `Authorization: JWT`,
 * L-2), each yielding one principal. Failures get the scheme's 401
 * and challenge; a request with no credentials gets every challenge. Store failures are thrown
 * on to the error handler, which answers 503.
 */
export function createAuthenticationHook(deps: AuthenticationDeps) {
  const wsseChallenge = `WSSE realm="${deps.realm}", profile="UsernameToken"`;
  const bearerChallenge = `Bearer realm="${deps.realm}"`;
  const legacyChallenge = `JWT realm="${deps.realm}"`;

  async function wsse(request: FastifyRequest, reply: FastifyReply, header: string | string[]) {
    if (Array.isArray(header)) {
      reply.header('www-authenticate', wsseChallenge);
      return sendJsonError(reply, 401, 'malformed_header', 'Send exactly one X-WSSE header.');
    }
    const result = await verifyWsseHeader(deps.wsse, header);
    if (!result.ok) {
      request.log.info({ event: 'auth.failure', scheme: 'wsse', code: result.code }, 'refused');
      reply.header('www-authenticate', wsseChallenge);
      return sendJsonError(reply, 401, result.code, result.description);
    }
    request.principal = result.principal;
  }

  async function bearer(request: FastifyRequest, reply: FastifyReply, authorization: string) {
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
      const reason = checked?.reason ?? 'invalid_token';
      const description =
        reason === 'revoked'
          ? 'The access token has been revoked.'
          : reason === 'subject_disabled'
            ? 'The user or organization of this access token is disabled.'
            : 'The access token is malformed, expired, or not issued by this server.';
      request.log.info({ event: 'auth.failure', scheme: 'bearer', code: reason }, 'refused');
      reply.header(
        'www-authenticate',
        `${bearerChallenge}, error="invalid_token", error_description="${description}"`,
      );
      return sendJsonError(reply, 401, 'invalid_token', description);
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
  async function legacyJwt(request: FastifyRequest, reply: FastifyReply, presented: unknown) {
    const checked =
      typeof presented === 'string' ? await checkLegacyToken(deps.legacy, presented) : null;
    if (!checked?.ok) {
      const reason = checked?.reason ?? 'invalid_token';
      const description =
        reason === 'revoked'
          ? 'The token has been revoked (password changed or refresh token revoked).'
          : reason === 'subject_disabled'
            ? 'The user or organization of this token is disabled.'
            : 'The X-Auth-Token is malformed, expired, not a legacy JWT, or not issued by this server.';
      request.log.info({ event: 'auth.failure', scheme: 'legacy_jwt', code: reason }, 'refused');
      reply.header(
        'www-authenticate',
        `${legacyChallenge}, error="invalid_token", error_description="${description}"`,
      );
      return sendJsonError(reply, 401, 'invalid_token', description);
    }
    request.principal = checked.principal;
  }

  return async function authenticate(request: FastifyRequest, reply: FastifyReply) {
    const xWsse = request.headers['x-wsse'];
    if (xWsse !== undefined) return wsse(request, reply, xWsse);
    const xAuthToken = request.headers['x-auth-token'];
    if (xAuthToken !== undefined) return legacyJwt(request, reply, xAuthToken);
    const authorization = request.headers.authorization;
    if (authorization !== undefined && /^JWT\b/i.test(authorization)) {
      return legacyJwt(request, reply, JWT_AUTHORIZATION.exec(authorization)?.[1]);
    }
    if (authorization !== undefined && /^Bearer\b/i.test(authorization)) {
      return bearer(request, reply, authorization);
    }
    reply.header('www-authenticate', [wsseChallenge, bearerChallenge, legacyChallenge]);
    return sendJsonError(
      reply,
      401,
      'authentication_required',
      'Send an X-WSSE UsernameToken header, an Authorization: Bearer access token or an X-Auth-Token legacy JWT.',
    );
  };
}
