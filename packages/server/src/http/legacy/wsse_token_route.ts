import type { FastifyInstance } from 'fastify';
import { issueLegacyToken } from '../../core/legacy/issue_legacy_token.js';
import type { LegacyDeps } from '../../core/legacy/legacy_deps.js';
import { sendJsonError } from '../send_json_error.js';

/**
 * `GET /api/v1/auth/token` (L-4): exchanges a valid WSSE header for a legacy JWT acting as
 * the same user in the same organization. Registered inside `/api`, so the authentication
 * hook has already checked the header (and consumed its nonce). Only WSSE may do this: a
 * Bearer token or a legacy JWT is refused, so a JWT cannot renew itself past its expiry or
 * past its refresh token's idle limit. The JWT carries the key's id and stamp, so revoking,
 * disabling or resetting the key ends it.
 */
export function registerWsseTokenRoute(
  api: FastifyInstance,
  deps: Pick<LegacyDeps, 'tokens' | 'audience' | 'tokenLifetimeSeconds' | 'credentialStamps'>,
  realm: string,
): void {
  api.get('/v1/auth/token', async (request, reply) => {
    const principal = request.principal;
    const credentialId = principal?.credential?.id;
    if (
      principal?.scheme !== 'wsse' ||
      !principal.user ||
      !principal.organization ||
      credentialId === undefined
    ) {
      reply.header('www-authenticate', `WSSE realm="${realm}", profile="UsernameToken"`);
      return sendJsonError(
        reply,
        401,
        'wsse_required',
        'This endpoint exchanges an X-WSSE header for a JWT; send an X-WSSE header.',
      );
    }
    const stamp = await deps.credentialStamps.current(credentialId);
    if (stamp === null) {
      // Revoked or disabled between the header check and now.
      return sendJsonError(reply, 401, 'credential_disabled', 'This API key is no longer active.');
    }
    const { token } = await issueLegacyToken(deps, {
      userId: principal.user.id,
      organizationId: principal.organization.id,
      refreshTokenId: null,
      credential: { id: credentialId, stamp },
      passwordStamp: null,
    });
    request.log.info({ event: 'legacy_token.issued', via: 'wsse' }, 'legacy token issued');
    return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send({ token });
  });
}
