import type { Store } from '../../store/port.js';
import { findActiveSubject } from '../find_active_subject.js';
import type { CredentialStamps } from '../tokens/credential_stamps.js';
import type { AccessTokenClaims } from '../tokens/verify_access_token.js';
import type { AccessTokenCheckCache } from './access_token_check_cache.js';
import type { TokenService } from './token_service.js';

/** Why a Bearer token was refused. */
export type AccessTokenFailure = 'invalid_token' | 'revoked' | 'subject_disabled';

/** An access token that is valid right now, with the names the principal needs. */
export interface LiveAccessToken {
  readonly claims: AccessTokenClaims;
  readonly user: { readonly id: string; readonly login: string } | null;
  readonly organization: { readonly id: string; readonly name: string } | null;
}

/**
 * What the store checks decided about one access token (its `jti`), apart from its claims:
 * what the Bearer check cache remembers.
 */
export type AccessTokenCheckOutcome =
  | {
      readonly ok: true;
      readonly user: LiveAccessToken['user'];
      readonly organization: LiveAccessToken['organization'];
    }
  | { readonly ok: false; readonly reason: 'revoked' | 'subject_disabled' };

/**
 * Checks an access token beyond its signature: not revoked by RFC 7009, its family
 * not revoked (a replayed code or refresh token), the API credential it was made from (`cid`,
 * api_keys grant) still active with the secret it had then (`cst`: not reset), and its user,
 * organization and membership still active — so revocation and disablement take effect even
 * before the JWT expires.
 * Client-credentials tokens (no `org`) act as the client and have no user.
 *
 * The signature and claims are verified on every call. The outcome of the store checks is
 * remembered per `jti` for a few seconds when `deps.accessTokenChecks` is set (R-3
 * allows 5 s; revocations through this process clear it at once); `fresh: true` reads the
 * store regardless (introspection, which is not on the request path of every API call).
 */
export async function checkAccessToken(
  deps: {
    store: Store;
    tokens: TokenService;
    credentialStamps: CredentialStamps;
    accessTokenChecks?: AccessTokenCheckCache<AccessTokenCheckOutcome>;
  },
  token: string,
  options: { readonly fresh?: boolean } = {},
): Promise<{ ok: true; token: LiveAccessToken } | { ok: false; reason: AccessTokenFailure }> {
  const claims = await deps.tokens.verifyAccessToken(token);
  if (!claims) return { ok: false, reason: 'invalid_token' };
  const cache = options.fresh === true ? undefined : deps.accessTokenChecks;
  let outcome = cache?.get(claims.jti);
  if (outcome === undefined) {
    const generation = cache?.generation ?? 0;
    outcome = await checkInStore(deps, claims);
    cache?.remember(claims.jti, outcome, generation);
  }
  if (!outcome.ok) return outcome;
  return {
    ok: true,
    token: { claims, user: outcome.user, organization: outcome.organization },
  };
}

async function checkInStore(
  deps: { store: Store; credentialStamps: CredentialStamps },
  claims: AccessTokenClaims,
): Promise<AccessTokenCheckOutcome> {
  const { store } = deps;
  const [revoked, family, credentialCurrent] = await Promise.all([
    store.revokedAccessTokens.isRevoked(claims.jti),
    claims.familyId === null ? null : store.tokenFamilies.findById(claims.familyId),
    claims.credential === null ? true : deps.credentialStamps.isCurrent(claims.credential),
  ]);
  if (
    revoked ||
    !credentialCurrent ||
    (claims.familyId !== null && (!family || family.revokedAt !== null))
  ) {
    return { ok: false, reason: 'revoked' };
  }
  if (claims.organizationId === null) {
    const client = await store.oauthClients.findByClientId(claims.clientId);
    if (!client) return { ok: false, reason: 'revoked' };
    return { ok: true, user: null, organization: null };
  }
  const subject = await findActiveSubject(store, claims.subject, claims.organizationId);
  if (!subject) return { ok: false, reason: 'subject_disabled' };
  const { user, organization } = subject;
  return {
    ok: true,
    user: { id: user.id, login: user.login },
    organization: { id: organization.id, name: organization.name },
  };
}
