import { verify } from 'argon2';
import { dummyPasswordVerify } from './dummy_password_verify.js';
import {
  PASSWORD_HASH_LIMITS,
  type PasswordHashParams,
  resolvePasswordHashParams,
} from './password_hash_params.js';

/** The outcome of `verifyPassword`. */
export interface PasswordVerification {
  /** The password matches the hash. */
  readonly ok: boolean;
  /**
   * Only when `ok`: the hash is weaker than the current parameters (older algorithm or
   * version, less memory or fewer passes, short salt or output), so the caller should store
   * `hashPassword(password)` in its place now that it knows the password (L-5).
   */
  readonly needsRehash: boolean;
}

const ARGON2_VERSION = 19;
const MIN_SALT_BYTES = 16;
const MIN_HASH_BYTES = 32;
const TYPES = new Set(['argon2id', 'argon2i', 'argon2d']);
const B64 = /^[A-Za-z0-9+/]+$/;

/**
 * Checks `password` against a stored argon2 PHC string in constant time (argon2's own
 * comparison). Never throws for a bad stored hash: a malformed one, or one with absurd
 * parameters, gives `{ ok: false }` after the same work as a wrong password. `params` are the
 * current parameters, used only to decide `needsRehash`; parallelism is not compared because
 * lanes do not change the memory and passes an attacker pays per guess.
 */
export async function verifyPassword(
  hash: string,
  password: string,
  params?: Partial<PasswordHashParams>,
): Promise<PasswordVerification> {
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  const current = resolvePasswordHashParams(params);
  const stored = parseStoredHash(hash);
  if (stored === null) return dummyPasswordVerify(password, current);
  let ok: boolean;
  try {
    ok = await verify(hash, password);
  } catch {
    return { ok: false, needsRehash: false };
  }
  if (!ok) return { ok: false, needsRehash: false };
  const needsRehash =
    stored.type !== 'argon2id' ||
    stored.version < ARGON2_VERSION ||
    stored.memoryCost < current.memoryCost ||
    stored.timeCost < current.timeCost ||
    stored.saltBytes < MIN_SALT_BYTES ||
    stored.hashBytes < MIN_HASH_BYTES;
  return { ok: true, needsRehash };
}

interface StoredHash {
  readonly type: string;
  readonly version: number;
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly saltBytes: number;
  readonly hashBytes: number;
}

function parseStoredHash(hash: unknown): StoredHash | null {
  if (typeof hash !== 'string' || hash.length > 512) return null;
  const [empty, type, version, paramList, salt, digest, ...rest] = hash.split('$');
  if (empty !== '' || rest.length > 0 || type === undefined || !TYPES.has(type)) return null;
  if (salt === undefined || digest === undefined || !B64.test(salt) || !B64.test(digest)) {
    return null;
  }
  const versionMatch = /^v=(\d{1,3})$/.exec(version ?? '');
  const params = parseParams(paramList ?? '');
  if (versionMatch === null || params === null) return null;
  const { m: memoryCost, t: timeCost, p: parallelism } = params;
  const limits = PASSWORD_HASH_LIMITS;
  // Stored hashes may predate today's floor (they are then rehashed), but never exceed the
  // ceilings, and must satisfy argon2's own rule of 8 KiB per lane.
  if (
    memoryCost > limits.memoryCost.max ||
    timeCost < 1 ||
    timeCost > limits.timeCost.max ||
    parallelism < 1 ||
    parallelism > limits.parallelism.max ||
    memoryCost < 8 * parallelism
  ) {
    return null;
  }
  return {
    type,
    version: Number(versionMatch[1]),
    memoryCost,
    timeCost,
    saltBytes: Buffer.from(salt, 'base64').length,
    hashBytes: Buffer.from(digest, 'base64').length,
  };
}

/** `m=…,t=…,p=…` in any order (PHC does not fix one; node-argon2 writes `m,p,t`). */
function parseParams(text: string): { m: number; t: number; p: number } | null {
  const values = new Map<string, number>();
  for (const item of text.split(',')) {
    const match = /^([mtp])=(\d{1,10})$/.exec(item);
    if (match === null || values.has(match[1] as string)) return null;
    values.set(match[1] as string, Number(match[2]));
  }
  const m = values.get('m');
  const t = values.get('t');
  const p = values.get('p');
  return m === undefined || t === undefined || p === undefined ? null : { m, t, p };
}
