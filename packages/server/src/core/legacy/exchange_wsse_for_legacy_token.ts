import { AuthenticationError, WSSE_CHALLENGE } from '../authentication_error.js';
import type { Principal } from '../principal.js';
import { issueLegacyToken } from './issue_legacy_token.js';
import type { LegacyDeps } from './legacy_deps.js';

/**
 * `GET /api/v1/auth/token` (L-4): a legacy JWT acting as the same user in the same
 * organization as the WSSE header that authenticated the request. Only WSSE may do this
 * (`wsse_required` otherwise): a Bearer token or a legacy JWT is refused, so a JWT cannot renew
 * itself past its expiry or past its refresh token's idle limit. The JWT carries the key's id
 * and stamp, so revoking, disabling or resetting the key ends it; a key revoked between
 * the header check and now is `credential_disabled`.
 */
export async function exchangeWsseForLegacyToken(
  deps: Pick<LegacyDeps, 'tokens' | 'audience' | 'tokenLifetimeSeconds' | 'credentialStamps'>,
  principal: Principal | null,
): Promise<{ readonly token: string }> {
  const credentialId = principal?.credential?.id;
  if (
    principal?.scheme !== 'wsse' ||
    !principal.user ||
    !principal.organization ||
    credentialId === undefined
  ) {
    throw new AuthenticationError(
      'wsse_required',
      'This endpoint exchanges an X-WSSE header for a JWT; send an X-WSSE header.',
      [WSSE_CHALLENGE],
    );
  }
  const stamp = await deps.credentialStamps.current(credentialId);
  if (stamp === null) {
    throw new AuthenticationError('credential_disabled', 'This API key is no longer active.', [
      WSSE_CHALLENGE,
    ]);
  }
  const { token } = await issueLegacyToken(deps, {
    userId: principal.user.id,
    organizationId: principal.organization.id,
    refreshTokenId: null,
    credential: { id: credentialId, stamp },
    passwordStamp: null,
  });
  return { token };
}
