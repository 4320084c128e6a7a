import type { UserRecord } from '../../store/port.js';
import type { AdminDeps } from '../admin/admin_deps.js';
import { InvalidInputError } from '../admin/admin_errors.js';
import { requireUser } from '../admin/find_or_fail.js';
import { unixSeconds } from '../clock.js';
import { checkPasswordPolicy } from './check_password_policy.js';
import { hashPassword } from './hash_password.js';

/** What `setUserPassword` did. */
export interface PasswordChange {
  readonly user: UserRecord;
  /** Legacy refresh tokens the change revoked (L-3). */
  readonly revokedRefreshTokens: number;
  /** OAuth token families the change revoked; 0 when sessions are kept. */
  readonly revokedTokenFamilies: number;
}

/** How a password change treats what the user signed in to before it. */
export interface PasswordChangeOptions {
  /**
   * Also end the user's login-page sessions and revoke their OAuth token families (their
   * refresh and access tokens), as configuration `oauth.endSessionsOnPasswordChange` says.
   * Default true, as the configuration's.
   */
  readonly endSessions: boolean;
}

/**
 * Sets a user's password (L-5: checked against the policy, hashed with argon2id, exactly as
 * typed) and then revokes every legacy refresh token of the user (L-3), which also ends the
 * JWTs made from them, and, with `endSessions`, ends the user's login-page sessions (the
 * session generation moves on) and revokes every OAuth token family of the user, which
 * ends their refresh tokens and the access tokens made from them. The hash is stored
 * first, so a token issued with the old password before the change is revoked, and a sign-in
 * with the old password after it fails. Throws `NotFoundError` for an unknown login and
 * `InvalidInputError` for a password outside the policy; the message never contains the
 * password.
 */
export async function setUserPassword(
  deps: AdminDeps,
  login: string,
  password: string,
  options: PasswordChangeOptions = { endSessions: true },
): Promise<PasswordChange> {
  const user = await requireUser(deps.store, login);
  const policy = checkPasswordPolicy(password);
  if (!policy.ok) throw new InvalidInputError(policy.description);
  const passwordHash = await hashPassword(password);
  await deps.store.users.setPasswordHash(user.id, passwordHash);
  const now = unixSeconds(deps.now());
  const [revokedRefreshTokens, revokedTokenFamilies] = await Promise.all([
    deps.store.legacyRefreshTokens.revokeForUser(user.id, now),
    options.endSessions ? deps.store.tokenFamilies.revokeForUser(user.id, now) : 0,
    options.endSessions ? deps.store.users.endSessions(user.id) : false,
  ]);
  return { user: { ...user, passwordHash }, revokedRefreshTokens, revokedTokenFamilies };
}
