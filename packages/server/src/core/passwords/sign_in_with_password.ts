import type { Store, UserRecord } from '../../store/port.js';
import { dummyPasswordVerify } from './dummy_password_verify.js';
import { hashPassword } from './hash_password.js';
import { verifyPassword } from './verify_password.js';

/**
 * Checks a login and password (L-5, O-4). Unknown logins, users without a password and
 * disabled users cost the same argon2 work as a wrong password and return the same null, so
 * the answer never tells which it was. A correct password stored under weaker parameters is
 * rehashed with the current ones.
 */
export async function signInWithPassword(
  store: Store,
  login: string,
  password: string,
): Promise<UserRecord | null> {
  const user = await store.users.findByLogin(login);
  if (!user || user.passwordHash === null) {
    await dummyPasswordVerify(password);
    return null;
  }
  const result = await verifyPassword(user.passwordHash, password);
  if (!result.ok || user.disabledAt !== null) return null;
  if (result.needsRehash) {
    const passwordHash = await hashPassword(password);
    await store.users.setPasswordHash(user.id, passwordHash);
    return { ...user, passwordHash };
  }
  return user;
}
