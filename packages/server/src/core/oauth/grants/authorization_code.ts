import { randomUUID } from 'node:crypto';
import type { OAuthClientRecord } from '../../../store/port.js';
import { unixSeconds } from '../../clock.js';
import { findActiveSubject } from '../../find_active_subject.js';
import { pkceVerifierMatches } from '../checks/pkce.js';
import type { GrantDeps } from '../grant_deps.js';
import { hashAuthorizationCode } from '../hash_code.js';
import { OAuthError } from '../oauth_error.js';
import { requireGrantAllowed, requireParam, type TokenParams } from '../token_request.js';
import { type TokenResponse, tokenResponse } from '../token_response.js';

/**
 * The authorization_code grant (O-5): one atomic consumption of the code, then the bindings
 * (client, redirect_uri, PKCE, 60 s lifetime, a user and organization still active, its family
 * not revoked between issuing and consuming the code: a password change or user disablement,
 * A code presented a second time revokes the whole family its first redemption started,
 * and every check failure burns the code.
 */
export async function authorizationCodeGrant(
  deps: GrantDeps,
  client: OAuthClientRecord,
  params: TokenParams,
): Promise<TokenResponse> {
  requireGrantAllowed(client, 'authorization_code');
  const code = requireParam(params, 'code');
  const now = unixSeconds(deps.now());
  const consumption = await deps.store.authorizationCodes.consume(hashAuthorizationCode(code), now);
  if (consumption.outcome === 'unknown') {
    throw new OAuthError('invalid_grant', 'the authorization code is invalid');
  }
  if (consumption.outcome === 'already_consumed') {
    await deps.store.tokenFamilies.revoke(consumption.record.familyId, now);
    deps.revocations.tokensRevoked();
    throw new OAuthError(
      'invalid_grant',
      'the authorization code was already used; the tokens issued for it are revoked',
    );
  }
  const record = consumption.record;
  if (record.clientId !== client.clientId) {
    throw new OAuthError('invalid_grant', 'the authorization code was issued to another client');
  }
  if (now >= record.expiresAt) {
    throw new OAuthError('invalid_grant', 'the authorization code has expired; sign in again');
  }
  if (params.redirect_uri !== record.redirectUri) {
    throw new OAuthError(
      'invalid_grant',
      'redirect_uri must be the exact value sent to the authorization endpoint',
    );
  }
  const verifier = params.code_verifier;
  if (record.codeChallenge === null || record.codeChallengeMethod === null) {
    if (verifier !== undefined) {
      throw new OAuthError('invalid_grant', 'code_verifier sent, but no code_challenge was');
    }
  } else if (verifier === undefined) {
    throw new OAuthError('invalid_grant', 'code_verifier is required (PKCE)');
  } else if (!pkceVerifierMatches(verifier, record.codeChallenge, record.codeChallengeMethod)) {
    throw new OAuthError('invalid_grant', 'code_verifier does not match the code_challenge');
  }
  const activeSubject = await findActiveSubject(deps.store, record.userId, record.organizationId);
  if (!activeSubject) {
    throw new OAuthError(
      'invalid_grant',
      'the user is disabled, or no longer an active member of the organization; sign in again',
    );
  }
  // The family as it stood at the consumption: a concurrent second redemption revokes it
  // only afterwards, and then the tokens issued here are dead on arrival, as O-5 wants, while
  // this first redemption still succeeds.
  if (consumption.familyRevoked) {
    throw new OAuthError(
      'invalid_grant',
      'the authorization code was revoked (password change or user disablement); sign in again',
    );
  }

  const subject = {
    subject: record.userId,
    clientId: client.clientId,
    scope: record.scope,
    organizationId: record.organizationId,
    familyId: record.familyId,
  };
  const jti = randomUUID();
  const expiresAt = now + deps.policy.refreshTokenLifetimeSeconds;
  const [access, refresh] = await Promise.all([
    deps.tokens.issueAccessToken(subject),
    deps.tokens.issueRefreshToken(subject, jti, expiresAt),
  ]);
  await deps.store.refreshTokens.create({
    jti,
    familyId: record.familyId,
    clientId: client.clientId,
    userId: record.userId,
    organizationId: record.organizationId,
    scope: record.scope,
    clientScopesVersion: client.scopesVersion,
    issuedAt: now,
    expiresAt,
    consumedAt: null,
    successorJti: null,
    successorResponseSealed: null,
  });
  return tokenResponse(access, record.scope, now, refresh);
}
