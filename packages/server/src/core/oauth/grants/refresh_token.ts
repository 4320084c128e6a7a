import { randomUUID } from 'node:crypto';
import type { OAuthClientRecord, RefreshTokenRecord } from '../../../store/port.js';
import { unixSeconds } from '../../clock.js';
import { findActiveSubject } from '../../find_active_subject.js';
import { formatScope, grantScope, parseScope } from '../checks/scope.js';
import type { GrantDeps } from '../grant_deps.js';
import { OAuthError } from '../oauth_error.js';
import { requireGrantAllowed, requireParam, type TokenParams } from '../token_request.js';
import { type TokenResponse, tokenResponse } from '../token_response.js';

const SEALED_RESPONSE_AAD = 'keygate refresh successor response';
const INACTIVE_SUBJECT =
  'the user is disabled, or no longer an active member of the organization; sign in again';

/**
 * The refresh_token grant (O-9): single use by one compare-and-set that also stores the
 * successor. No tokens for a user who was disabled, left the organization, or whose
 * organization was disabled since the sign-in (access tokens are checked by resource servers
 * that only see the JWKS, so the refresh is where that has to be enforced). A consumed token presented again revokes its family, except that within the
 * server's reuse interval its immediate successor's response is returned again unchanged.
 */
export async function refreshTokenGrant(
  deps: GrantDeps,
  client: OAuthClientRecord,
  params: TokenParams,
): Promise<TokenResponse> {
  requireGrantAllowed(client, 'refresh_token');
  const presented = requireParam(params, 'refresh_token');
  const now = unixSeconds(deps.now());
  const claims = await deps.tokens.verifyRefreshToken(presented);
  if (!claims || claims.clientId !== client.clientId) {
    throw new OAuthError('invalid_grant', 'the refresh token is invalid or expired');
  }
  const record = await deps.store.refreshTokens.findByJti(claims.jti);
  if (!record || record.clientId !== client.clientId || now >= record.expiresAt) {
    throw new OAuthError('invalid_grant', 'the refresh token is invalid or expired');
  }
  // Reuse is detected first, whatever else is wrong: a replayed token always ends its family.
  if (record.consumedAt !== null) return replayOrRevoke(deps, record, now);
  const [family, activeSubject] = await Promise.all([
    deps.store.tokenFamilies.findById(record.familyId),
    findActiveSubject(deps.store, record.userId, record.organizationId),
  ]);
  if (!family || family.revokedAt !== null) {
    throw new OAuthError('invalid_grant', 'the refresh token has been revoked');
  }
  // Checked before anything is consumed: a user or organization re-enabled later can go on.
  if (!activeSubject) throw new OAuthError('invalid_grant', INACTIVE_SUBJECT);
  if (record.clientScopesVersion !== client.scopesVersion) {
    throw new OAuthError(
      'invalid_grant',
      "the client's allowed scopes changed since this refresh token was issued; sign in again",
    );
  }
  const scopes = grantScope(parseScope(params.scope), parseScope(record.scope));
  if (scopes === null) {
    throw new OAuthError('invalid_scope', 'a refresh cannot widen the scope originally granted');
  }

  const scope = formatScope(scopes);
  const subject = {
    subject: record.userId,
    clientId: client.clientId,
    scope,
    organizationId: record.organizationId,
    familyId: record.familyId,
  };
  const successorJti = randomUUID();
  const expiresAt = now + deps.policy.refreshTokenLifetimeSeconds;
  const [access, refresh] = await Promise.all([
    deps.tokens.issueAccessToken(subject),
    deps.tokens.issueRefreshToken(subject, successorJti, expiresAt),
  ]);
  const response = tokenResponse(access, scope, now, refresh);
  const sealed =
    deps.policy.refreshReuseIntervalSeconds > 0
      ? deps.sealer.seal(JSON.stringify(response), `${SEALED_RESPONSE_AAD} ${record.jti}`)
      : null;
  const rotation = await deps.store.refreshTokens.rotate(
    record.jti,
    now,
    {
      ...record,
      jti: successorJti,
      scope,
      issuedAt: now,
      expiresAt,
      consumedAt: null,
      successorJti: null,
      successorResponseSealed: null,
    },
    sealed,
  );
  if (rotation.outcome === 'rotated') return response;
  if (rotation.outcome === 'unknown') {
    throw new OAuthError('invalid_grant', 'the refresh token is invalid or expired');
  }
  // Lost the race: another request consumed it between our read and our compare-and-set.
  return replayOrRevoke(deps, rotation.record, now);
}

async function replayOrRevoke(
  deps: GrantDeps,
  record: RefreshTokenRecord,
  now: number,
): Promise<TokenResponse> {
  const interval = deps.policy.refreshReuseIntervalSeconds;
  if (
    interval > 0 &&
    record.consumedAt !== null &&
    now - record.consumedAt <= interval &&
    record.successorResponseSealed !== null &&
    record.successorJti !== null
  ) {
    // Only the immediate predecessor of the newest token: once the successor was itself used,
    // presenting this one is a replay.
    const [family, successor] = await Promise.all([
      deps.store.tokenFamilies.findById(record.familyId),
      deps.store.refreshTokens.findByJti(record.successorJti),
    ]);
    if (family && family.revokedAt === null && successor && successor.consumedAt === null) {
      return JSON.parse(
        deps.sealer.open(record.successorResponseSealed, `${SEALED_RESPONSE_AAD} ${record.jti}`),
      ) as TokenResponse;
    }
  }
  await deps.store.tokenFamilies.revoke(record.familyId, now);
  deps.revocations.tokensRevoked();
  throw new OAuthError(
    'invalid_grant',
    'the refresh token was already used; every token of its family is revoked',
  );
}
