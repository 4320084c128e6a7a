import { hash as argon2Hash, argon2i, argon2id } from 'argon2';
import { beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD_HASH_PARAMS } from '../../../src/core/passwords/password_hash_params.js';
import { signInWithPassword } from '../../../src/core/passwords/sign_in_with_password.js';
import { verifyPassword } from '../../../src/core/passwords/verify_password.js';
import type { Store } from '../../../src/store/port.js';
import { createScratchSqliteStore } from '../../support/scratch_sqlite_store.js';

/** L-5: sign-in upgrades a hash made under weaker parameters, and only on a right password. */
const PASSWORD = 'pässwörd \u{1F511} with spaces ';
let store: Store;

beforeEach(async () => {
  store = await createScratchSqliteStore();
  await store.users.create({
    id: 'u1',
    login: 'carol',
    email: null,
    passwordHash: null,
    createdAt: 0,
    disabledAt: null,
  });
});

async function storedHash(): Promise<string> {
  return (await store.users.findById('u1'))?.passwordHash ?? '';
}

function params(hash: string): string {
  return hash.split('$')[3] ?? '';
}

describe('signInWithPassword rehash (L-5)', () => {
  for (const [label, options] of [
    [
      'argon2id with less memory and fewer passes',
      { type: argon2id, memoryCost: 4096, timeCost: 1 },
    ],
    ['argon2i at today’s cost', { type: argon2i, memoryCost: 19_456, timeCost: 2 }],
  ] as const) {
    it(`upgrades ${label} on a right password, to argon2id m=19456 t=2 p=1`, async () => {
      const weak = await argon2Hash(PASSWORD, { ...options, parallelism: 1 });
      await store.users.setPasswordHash('u1', weak);

      expect(await signInWithPassword(store, 'carol', `${PASSWORD}x`)).toBeNull();
      expect(await storedHash()).toBe(weak);

      const user = await signInWithPassword(store, 'carol', PASSWORD);
      expect(user?.id).toBe('u1');
      const upgraded = await storedHash();
      expect(upgraded).not.toBe(weak);
      expect(upgraded.startsWith('$argon2id$v=19$')).toBe(true);
      const { memoryCost, timeCost, parallelism } = PASSWORD_HASH_PARAMS;
      expect(params(upgraded).split(',').sort()).toEqual(
        [`m=${memoryCost}`, `p=${parallelism}`, `t=${timeCost}`].sort(),
      );
      expect(await verifyPassword(upgraded, PASSWORD)).toEqual({ ok: true, needsRehash: false });
      // Exactly as typed: the trailing space is part of the password.
      expect(await signInWithPassword(store, 'carol', PASSWORD.trimEnd())).toBeNull();

      // Once upgraded, a later sign-in leaves the hash alone.
      expect(await signInWithPassword(store, 'carol', PASSWORD)).not.toBeNull();
      expect(await storedHash()).toBe(upgraded);
    });
  }

  it('does not rehash a hash at today’s parameters', async () => {
    const current = await argon2Hash(PASSWORD, {
      type: argon2id,
      memoryCost: 19_456,
      timeCost: 2,
      parallelism: 1,
    });
    await store.users.setPasswordHash('u1', current);
    expect(await signInWithPassword(store, 'carol', PASSWORD)).not.toBeNull();
    expect(await storedHash()).toBe(current);
  });
});
