import type { FastifyInstance } from 'fastify';
import { exchangeWsseForLegacyToken } from '../../core/legacy/exchange_wsse_for_legacy_token.js';
import type { LegacyDeps } from '../../core/legacy/legacy_deps.js';

/**
 * `GET /api/v1/auth/token` (L-4): exchanges the WSSE header the authentication hook has
 * already checked (and whose nonce it consumed) for a legacy JWT. Registered inside `/api`.
 */
export function registerWsseTokenRoutes(
  api: FastifyInstance,
  deps: Pick<LegacyDeps, 'tokens' | 'audience' | 'tokenLifetimeSeconds' | 'credentialStamps'>,
): void {
  api.get('/v1/auth/token', async (request, reply) => {
    const body = await exchangeWsseForLegacyToken(deps, request.principal);
    request.log.info({ event: 'legacy_token.issued', via: 'wsse' }, 'legacy token issued');
    return reply.send(body);
  });
}
