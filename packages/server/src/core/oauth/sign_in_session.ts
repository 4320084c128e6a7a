import type { Store, UserRecord } from '../../store/port.js';
import { signInWithPassword } from '../passwords/sign_in_with_password.js';

/** Who a browser is signed in as, as its session cookie carries it (O-4). */
export interface SignInSession {
  readonly userId: string;
  /**
   * The user's session generation at sign-in (`users.findSessionGeneration`): a password
   * change or disablement moves it on, which ends the session for good.
   */
  readonly generation: number;
}

/**
 * The user `session` signs in: none when there is no session, the user is gone or disabled,
 * or the user's sessions were ended since the sign-in (a password change or a disablement
 * moved the session generation on, R-3).
 */
export async function findSessionUser(
  store: Store,
  session: SignInSession | null,
): Promise<UserRecord | null> {
  if (!session) return null;
  const [user, generation] = await Promise.all([
    store.users.findById(session.userId),
    store.users.findSessionGeneration(session.userId),
  ]);
  if (!user || user.disabledAt !== null || generation !== session.generation) return null;
  return user;
}

/**
 * Signs in with the sign-in form's login and password and answers the session to start, or
 * null when the sign-in fails. It also fails when the password changed while it was being
 * checked, so a sign-in with the old password racing a password change cannot pick up the
 * generation the change moved on to.
 */
export async function startSignInSession(
  store: Store,
  login: string,
  password: string,
): Promise<SignInSession | null> {
  const user = await signInWithPassword(store, login, password);
  if (!user) return null;
  const generation = await store.users.findSessionGeneration(user.id);
  const current = await store.users.findById(user.id);
  if (generation === null || current?.passwordHash !== user.passwordHash) return null;
  return { userId: user.id, generation };
}
