import type { Store } from '../../store/port.js';
import type { AccessTokenClaims, TokenService } from './token_service.js';

/** Why a Bearer token was refused. */
export type AccessTokenFailure = 'invalid_token' | 'revoked' | 'subject_disabled';

/** An access token that is valid right now, with the names the principal needs. */
export interface LiveAccessToken {
  readonly claims: AccessTokenClaims;
  readonly user: { readonly id: string; readonly login: string } | null;
  readonly organization: { readonly id: string; readonly name: string } | null;
}

/**
 * Checks an access token beyond its signature: not revoked by RFC 7009, its family
 * not revoked (a replayed code or refresh token), and its user, organization and membership
 * still active — so revocation and disablement take effect even before the JWT expires.
 * Client-credentials tokens (no `org`) act as the client and have no user.
 */
export async function checkAccessToken(
  deps: { store: Store; tokens: TokenService },
  token: string,
): Promise<{ ok: true; token: LiveAccessToken } | { ok: false; reason: AccessTokenFailure }> {
  const claims = await deps.tokens.verifyAccessToken(token);
  if (!claims) return { ok: false, reason: 'invalid_token' };
  const { store } = deps;
  const [revoked, family] = await Promise.all([
    store.revokedAccessTokens.isRevoked(claims.jti),
    claims.familyId === null ? null : store.tokenFamilies.findById(claims.familyId),
  ]);
  if (revoked || (claims.familyId !== null && (!family || family.revokedAt !== null))) {
    return { ok: false, reason: 'revoked' };
  }
  if (claims.organizationId === null) {
    const client = await store.oauthClients.findByClientId(claims.clientId);
    if (!client) return { ok: false, reason: 'revoked' };
    return { ok: true, token: { claims, user: null, organization: null } };
  }
  const [user, organization, member] = await Promise.all([
    store.users.findById(claims.subject),
    store.organizations.findById(claims.organizationId),
    store.memberships.isMember(claims.subject, claims.organizationId),
  ]);
  if (
    !user ||
    user.disabledAt !== null ||
    !organization ||
    organization.disabledAt !== null ||
    !member
  ) {
    return { ok: false, reason: 'subject_disabled' };
  }
  return {
    ok: true,
    token: {
      claims,
      user: { id: user.id, login: user.login },
      organization: { id: organization.id, name: organization.name },
    },
  };
}
