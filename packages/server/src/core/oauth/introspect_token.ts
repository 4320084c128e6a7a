import type { OAuthClientRecord } from '../../store/port.js';
import { unixSeconds } from '../clock.js';
import { findActiveSubject } from '../find_active_subject.js';
import { checkAccessToken } from './check_access_token.js';
import type { GrantDeps } from './grant_deps.js';
import { OAuthError } from './oauth_error.js';

/** An RFC 7662 introspection response. */
export type IntrospectionResponse =
  | { readonly active: false }
  | {
      readonly active: true;
      readonly token_type: 'access_token' | 'refresh_token';
      readonly scope: string;
      readonly client_id: string;
      readonly sub: string;
      readonly exp: number;
      readonly iat: number;
      readonly iss?: string;
      readonly aud?: string | readonly string[];
      readonly jti: string;
      readonly org?: string;
      readonly username?: string;
    };

type ActiveIntrospection = Extract<IntrospectionResponse, { readonly active: true }>;

/**
 * RFC 7662: is this token usable right now, and what does it carry? Access tokens get the
 * same checks as a Bearer request, read fresh from the store; refresh tokens must be
 * unconsumed, unexpired, in a live family and for a user and organization still active.
 * A client is told only about tokens issued to itself unless it may introspect any token
 * (RFC 7662 §4): another client's token is `{active: false}`, exactly like an unknown one, so
 * the answer reveals neither that it exists nor whose it is. Anything else is simply
 * `{active: false}` too. Only a confidential client may introspect: a public client holds no
 * secret, so anyone could ask in its name (`invalid_client`).
 */
export async function introspectToken(
  deps: GrantDeps,
  client: OAuthClientRecord,
  token: string,
  hint: string | undefined,
): Promise<IntrospectionResponse> {
  if (client.secretHash === null) {
    throw new OAuthError('invalid_client', 'public clients cannot introspect tokens');
  }
  const tryRefreshFirst = hint === 'refresh_token';
  for (const kind of tryRefreshFirst ? ['refresh', 'access'] : ['access', 'refresh']) {
    const result =
      kind === 'access'
        ? await introspectAccess(deps, token)
        : await introspectRefresh(deps, token);
    if (result) {
      const visible = client.introspectAnyToken || result.client_id === client.clientId;
      return visible ? result : { active: false };
    }
  }
  return { active: false };
}

async function introspectAccess(
  deps: GrantDeps,
  token: string,
): Promise<ActiveIntrospection | null> {
  // Read fresh: a resource server asking is owed the store's state, not the Bearer check's
  // short memory of it.
  const checked = await checkAccessToken(deps, token, { fresh: true });
  if (!checked.ok) return null;
  const { claims, user } = checked.token;
  return {
    active: true,
    token_type: 'access_token',
    scope: claims.scope,
    client_id: claims.clientId,
    sub: claims.subject,
    exp: claims.expiresAt,
    iat: claims.issuedAt,
    iss: claims.issuer,
    aud: claims.audience.length === 1 ? claims.audience[0] : [...claims.audience],
    jti: claims.jti,
    ...(claims.organizationId ? { org: claims.organizationId } : {}),
    ...(user ? { username: user.login } : {}),
  };
}

async function introspectRefresh(
  deps: GrantDeps,
  token: string,
): Promise<ActiveIntrospection | null> {
  const claims = await deps.tokens.verifyRefreshToken(token);
  if (!claims) return null;
  const record = await deps.store.refreshTokens.findByJti(claims.jti);
  const now = unixSeconds(deps.now());
  if (!record || record.consumedAt !== null || now >= record.expiresAt) return null;
  const [family, subject] = await Promise.all([
    deps.store.tokenFamilies.findById(record.familyId),
    findActiveSubject(deps.store, record.userId, record.organizationId),
  ]);
  if (!family || family.revokedAt !== null || !subject) return null;
  return {
    active: true,
    token_type: 'refresh_token',
    scope: record.scope,
    client_id: record.clientId,
    sub: record.userId,
    exp: record.expiresAt,
    iat: record.issuedAt,
    jti: record.jti,
    org: record.organizationId,
  };
}
