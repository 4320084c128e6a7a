import type { UserRecord } from '../../store/port.js';
import { constantTimeEqual } from '../constant_time_equal.js';
import { findActiveSubject } from '../find_active_subject.js';
import type { Principal } from '../principal.js';
import { stampOfSecret } from '../tokens/credential_stamps.js';
import type { LegacyDeps } from './legacy_deps.js';
import { verifyLegacyToken } from './verify_legacy_token.js';

/** Why an `X-Auth-Token` was refused. */
export type LegacyTokenFailure = 'invalid_token' | 'revoked' | 'subject_disabled';

/**
 * Checks a presented `X-Auth-Token` (L-2, R-1, R-3): a valid legacy JWT (see
 * `verifyLegacyToken`) and, so that revocation takes effect before its `exp`:
 * - the refresh token it was made from (`rid`, when it has one) not revoked, so a password
 *   change or disablement ends the JWTs made from refresh tokens;
 * - the password it was signed in with (`pst`, when it has one) still the user's, so a
 *   password change ends a JWT signed in for without a refresh token too;
 * - the API credential it was made from (`cid`, when it has one) still active with the secret
 *   it had then (`cst`), so revoking, disabling or resetting the key ends it;
 * - its user, organization and membership active (disablement ends every JWT).
 * All is read from the store on every request (the credential through `CredentialStamps`,
 * which re-reads as soon as the store's data version moves on), well inside R-3's 5 s.
 * Answers the principal, `scheme: 'legacy_jwt'`.
 */
export async function checkLegacyToken(
  deps: Pick<LegacyDeps, 'store' | 'tokens' | 'audience' | 'credentialStamps'>,
  token: string,
): Promise<{ ok: true; principal: Principal } | { ok: false; reason: LegacyTokenFailure }> {
  const verified = await verifyLegacyToken(deps.tokens, token, deps.audience);
  if (!verified.ok) return { ok: false, reason: 'invalid_token' };
  const { claims } = verified;
  const [refresh, subject, credentialCurrent] = await Promise.all([
    claims.refreshTokenId === null
      ? undefined
      : deps.store.legacyRefreshTokens.findById(claims.refreshTokenId),
    findActiveSubject(deps.store, claims.subject, claims.organizationId),
    claims.credential === null ? true : deps.credentialStamps.isCurrent(claims.credential),
  ]);
  if (!credentialCurrent) return { ok: false, reason: 'revoked' };
  if (refresh !== undefined) {
    if (
      !refresh ||
      refresh.revokedAt !== null ||
      refresh.userId !== claims.subject ||
      refresh.organizationId !== claims.organizationId
    ) {
      return { ok: false, reason: 'revoked' };
    }
  }
  if (!subject) return { ok: false, reason: 'subject_disabled' };
  if (claims.passwordStamp !== null && !passwordUnchanged(subject.user, claims.passwordStamp)) {
    return { ok: false, reason: 'revoked' };
  }
  return {
    ok: true,
    principal: {
      user: { id: subject.user.id, login: subject.user.login },
      organization: { id: subject.organization.id, name: subject.organization.name },
      scopes: [],
      scheme: 'legacy_jwt',
    },
  };
}

function passwordUnchanged(user: UserRecord, passwordStamp: string): boolean {
  return (
    user.passwordHash !== null && constantTimeEqual(stampOfSecret(user.passwordHash), passwordStamp)
  );
}
