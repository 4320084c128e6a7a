import type { FastifyInstance } from 'fastify';
import type { LegacyDeps } from '../../core/legacy/legacy_deps.js';
import {
  readPasswordTokenRequest,
  readRefreshTokenRequest,
} from '../../core/legacy/read_legacy_request.js';
import { refreshLegacyToken } from '../../core/legacy/refresh_legacy_token.js';
import { signInForLegacyToken } from '../../core/legacy/sign_in_for_legacy_token.js';
import { LEGACY_TOKEN_SCHEMAS } from './legacy_token_schemas.js';

/**
 * Penneo's legacy JWT endpoints (L-1, L-3), JSON in and out, never cached:
 * - `POST /auth/api/v1/token/password` `{username, password, refresh?, organization?}` →
 *   `{token}` or `{token, refresh_token}`;
 * - `POST /auth/api/v1/token/refresh` `{token: <refresh_token>}` → `{token}`.
 * Bad bodies get 400 `invalid_request`; a wrong password, unknown or disabled user get one
 * identical 401 `invalid_credentials`; a dead refresh token 401 `invalid_token`.
 */
export function registerLegacyTokenRoutes(app: FastifyInstance, deps: LegacyDeps): void {
  app.post(
    '/auth/api/v1/token/password',
    { schema: { body: LEGACY_TOKEN_SCHEMAS.password } },
    async (request, reply) => {
      const body = await signInForLegacyToken(deps, readPasswordTokenRequest(request.body));
      request.log.info(
        { event: 'legacy_token.issued', via: 'password', refresh: 'refresh_token' in body },
        'legacy token issued',
      );
      return reply.send(body);
    },
  );

  app.post(
    '/auth/api/v1/token/refresh',
    { schema: { body: LEGACY_TOKEN_SCHEMAS.refresh } },
    async (request, reply) => {
      const { token } = readRefreshTokenRequest(request.body);
      const body = await refreshLegacyToken(deps, token);
      request.log.info({ event: 'legacy_token.issued', via: 'refresh' }, 'legacy token issued');
      return reply.send(body);
    },
  );
}
