import { randomUUID } from 'node:crypto';
import type { OrganizationRecord, Store, UserRecord } from '../../store/port.js';
import { unixSeconds } from '../clock.js';
import { listActiveOrganizations } from '../list_active_organizations.js';
import { signInWithPassword } from '../passwords/sign_in_with_password.js';
import { stampOfSecret } from '../tokens/credential_stamps.js';
import { issueLegacyToken } from './issue_legacy_token.js';
import type { LegacyDeps } from './legacy_deps.js';
import { LegacyError } from './legacy_error.js';
import { newLegacyRefreshToken } from './legacy_refresh_token_secret.js';
import type { PasswordTokenRequest } from './read_legacy_request.js';

/** The body of a successful password sign-in (L-1). */
export interface LegacyTokenResponse {
  readonly token: string;
  readonly refresh_token?: string;
}

/**
 * `POST /auth/api/v1/token/password` (L-1, L-5): signs the user in with argon2id (an unknown
 * login, a user without a password, a disabled user and a wrong password cost the same work
 * and all give the one `invalid_credentials`; a hash under weaker parameters is upgraded) and
 * returns a legacy JWT, with a refresh token when `refresh` is set.
 *
 * The organization, like the login page's choice (O-4), must be one of the user's active
 * memberships: `organization` (name or id) picks one, otherwise the user's first active
 * membership (the oldest; the store orders same-second ones by organization id) is used. A user in no active organization gets `no_organization`,
 * a name that is not among them `invalid_organization` (both 403, only after the password
 * was right, so neither tells a stranger anything).
 */
export async function signInForLegacyToken(
  deps: LegacyDeps,
  request: PasswordTokenRequest,
): Promise<LegacyTokenResponse> {
  const user = await signInWithPassword(deps.store, request.username, request.password);
  if (!user) {
    throw new LegacyError('invalid_credentials', 'The username or password is wrong.');
  }
  const organization = await chooseOrganization(deps.store, user, request.organization);
  // signInWithPassword only answers users with a password.
  const passwordStamp = stampOfSecret(user.passwordHash ?? '');
  if (!request.refresh) {
    const { token } = await issueLegacyToken(deps, {
      userId: user.id,
      organizationId: organization.id,
      refreshTokenId: null,
      credential: null,
      passwordStamp,
    });
    return { token };
  }
  const now = unixSeconds(deps.tokens.now());
  const refresh = newLegacyRefreshToken();
  const id = randomUUID();
  // Signed first, so a signing failure leaves no refresh token row behind.
  const { token } = await issueLegacyToken(deps, {
    userId: user.id,
    organizationId: organization.id,
    refreshTokenId: id,
    credential: null,
    passwordStamp,
  });
  await deps.store.legacyRefreshTokens.create({
    id,
    tokenHash: refresh.tokenHash,
    userId: user.id,
    organizationId: organization.id,
    createdAt: now,
    lastUsedAt: now,
    revokedAt: null,
  });
  return { token, refresh_token: refresh.token };
}

async function chooseOrganization(
  store: Store,
  user: UserRecord,
  wanted: string | null,
): Promise<OrganizationRecord> {
  const active = await listActiveOrganizations(store, user.id);
  const chosen =
    wanted === null ? active[0] : active.find((o) => o.name === wanted || o.id === wanted);
  if (chosen) return chosen;
  if (active.length === 0) {
    throw new LegacyError('no_organization', 'The user is not in an active organization.');
  }
  throw new LegacyError(
    'invalid_organization',
    'The user is not in an active organization by that name.',
  );
}
