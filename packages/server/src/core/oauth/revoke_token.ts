import type { OAuthClientRecord } from '../../store/port.js';
import { unixSeconds } from '../clock.js';
import type { GrantDeps } from './grant_deps.js';

/**
 * RFC 7009: revokes a refresh token (its whole family, so its access tokens stop too, R-3) or
 * an access token (that token). Tokens of other clients, unknown or invalid tokens are ignored:
 * the endpoint answers 200 either way, so it reveals nothing about them.
 */
export async function revokeToken(
  deps: GrantDeps,
  client: OAuthClientRecord,
  token: string,
): Promise<void> {
  const now = unixSeconds(deps.now());
  const refresh = await deps.tokens.verifyRefreshToken(token);
  if (refresh) {
    const record = await deps.store.refreshTokens.findByJti(refresh.jti);
    if (record && record.clientId === client.clientId) {
      await deps.store.tokenFamilies.revoke(record.familyId, now);
      deps.revocations.tokensRevoked();
    }
    return;
  }
  const access = await deps.tokens.verifyAccessToken(token);
  if (access && access.clientId === client.clientId) {
    await deps.store.revokedAccessTokens.add(access.jti, access.expiresAt);
    deps.revocations.tokensRevoked();
  }
}
