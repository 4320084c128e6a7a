import { randomBytes } from 'node:crypto';
import { verify } from 'argon2';
import { hashPassword } from './hash_password.js';
import { type PasswordHashParams, resolvePasswordHashParams } from './password_hash_params.js';

const dummyHashes = new Map<string, Promise<string>>();

/**
 * Spends the same argon2 work as verifying a real password, then fails. Call it when the
 * login names no user, or a user without a usable password hash, so that such a login takes
 * as long as a wrong password and the response time does not reveal which logins exist.
 *
 * The dummy hash (of a random password, so nothing can match it) is made on first use per
 * parameter set; call this once at start-up to keep that extra hashing out of the first login.
 */
export async function dummyPasswordVerify(
  password: string,
  params?: Partial<PasswordHashParams>,
): Promise<{ readonly ok: false; readonly needsRehash: false }> {
  const resolved = resolvePasswordHashParams(params);
  const cacheKey = `${resolved.memoryCost},${resolved.timeCost},${resolved.parallelism}`;
  let dummy = dummyHashes.get(cacheKey);
  if (dummy === undefined) {
    dummy = hashPassword(randomBytes(32).toString('base64url'), resolved);
    dummyHashes.set(cacheKey, dummy);
    dummy.catch(() => dummyHashes.delete(cacheKey));
  }
  await verify(await dummy, typeof password === 'string' ? password : '').catch(() => false);
  return { ok: false, needsRehash: false };
}
