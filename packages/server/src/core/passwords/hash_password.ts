import { argon2id, hash } from 'argon2';
import { type PasswordHashParams, resolvePasswordHashParams } from './password_hash_params.js';

/**
 * Hashes a password with argon2id (L-5) and returns the PHC string
 * (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`), with a fresh 16-byte salt and a 32-byte hash.
 * The password is hashed exactly as given (UTF-8, no normalisation); check it with
 * `checkPasswordPolicy` first. `params` defaults to `PASSWORD_HASH_PARAMS`.
 */
export async function hashPassword(
  password: string,
  params?: Partial<PasswordHashParams>,
): Promise<string> {
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  const { memoryCost, timeCost, parallelism } = resolvePasswordHashParams(params);
  return hash(password, { type: argon2id, memoryCost, timeCost, parallelism, hashLength: 32 });
}
