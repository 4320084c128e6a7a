import { unixSeconds } from '../clock.js';
import { findActiveSubject } from '../find_active_subject.js';
import { issueLegacyToken } from './issue_legacy_token.js';
import type { LegacyDeps } from './legacy_deps.js';
import { LegacyError } from './legacy_error.js';
import { hashLegacyRefreshToken } from './legacy_refresh_token_secret.js';

/**
 * `POST /auth/api/v1/token/refresh` (L-3): makes a new legacy JWT from a refresh token. The
 * token is reusable; it is looked up by its hash and, in one atomic storage statement, checked
 * (not revoked, a JWT made from it less than `refreshIdleSeconds` ago) and slid forward
 * (`lastUsedAt = now`), so a token used every 29 days lives on and one left for 30 dies. Its
 * user, organization and membership must still be active. Every refusal is the same
 * `invalid_token` (401): the caller signs in again.
 */
export async function refreshLegacyToken(
  deps: LegacyDeps,
  refreshToken: string,
): Promise<{ readonly token: string }> {
  const now = unixSeconds(deps.tokens.now());
  const record = await deps.store.legacyRefreshTokens.use(
    hashLegacyRefreshToken(refreshToken),
    now,
    deps.refreshIdleSeconds,
  );
  const subject =
    record && (await findActiveSubject(deps.store, record.userId, record.organizationId));
  if (!record || !subject) {
    throw new LegacyError(
      'invalid_token',
      'The refresh token is unknown, expired or revoked; sign in again.',
    );
  }
  const { token } = await issueLegacyToken(deps, {
    userId: record.userId,
    organizationId: record.organizationId,
    refreshTokenId: record.id,
    credential: null,
    passwordStamp: null,
  });
  return { token };
}
