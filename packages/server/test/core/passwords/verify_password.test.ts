import { hash as argon2Hash, argon2i, argon2id } from 'argon2';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../src/core/passwords/hash_password.js';
import { verifyPassword } from '../../../src/core/passwords/verify_password.js';

const PASSWORD = 'Tr0ub4dor&3 \u{1F511} ünïcødé';
let stored: string;

beforeAll(async () => {
  stored = await hashPassword(PASSWORD);
});

describe('verifyPassword', () => {
  it('accepts the right password and refuses a wrong one', async () => {
    expect(await verifyPassword(stored, PASSWORD)).toEqual({ ok: true, needsRehash: false });
    expect(await verifyPassword(stored, `${PASSWORD}x`)).toEqual({ ok: false, needsRehash: false });
    expect(await verifyPassword(stored, '')).toEqual({ ok: false, needsRehash: false });
  });

  it('asks for a rehash when the current parameters have grown', async () => {
    expect(await verifyPassword(stored, PASSWORD, { memoryCost: 32_768 })).toEqual({
      ok: true,
      needsRehash: true,
    });
    expect(await verifyPassword(stored, PASSWORD, { timeCost: 3 })).toEqual({
      ok: true,
      needsRehash: true,
    });
    // A wrong password never asks for a rehash: the caller cannot make one.
    expect(await verifyPassword(stored, 'wrong', { timeCost: 3 })).toEqual({
      ok: false,
      needsRehash: false,
    });
  });

  it('does not ask for a rehash of a hash stronger than the current parameters', async () => {
    const strong = await hashPassword(PASSWORD, { memoryCost: 32_768, timeCost: 3 });
    expect(await verifyPassword(strong, PASSWORD)).toEqual({ ok: true, needsRehash: false });
  });

  it('verifies and upgrades hashes weaker than today’s floor or of another argon2 type', async () => {
    const weak = await argon2Hash(PASSWORD, {
      type: argon2id,
      memoryCost: 4096,
      timeCost: 1,
      parallelism: 1,
    });
    expect(await verifyPassword(weak, PASSWORD)).toEqual({ ok: true, needsRehash: true });
    const argon2iHash = await argon2Hash(PASSWORD, {
      type: argon2i,
      memoryCost: 19_456,
      timeCost: 2,
      parallelism: 1,
    });
    expect(await verifyPassword(argon2iHash, PASSWORD)).toEqual({ ok: true, needsRehash: true });
  });

  it.each([
    ['an empty string', ''],
    ['plain text', 'not a hash'],
    ['a bcrypt hash', '$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'],
    ['a truncated hash', () => stored.slice(0, -10)],
    ['a hash with a bad salt', () => stored.replace(/\$[^$]+\$([^$]+)$/, '$!!!!$$$1')],
    ['a hash without version', () => stored.replace('$v=19', '')],
    ['absurd memory', () => stored.replace('m=19456', 'm=99999999')],
    ['a repeated parameter', () => stored.replace('m=19456', 'm=19456,m=19456')],
    ['a missing parameter', () => stored.replace(/,?t=2/, '')],
    ['absurd passes', () => stored.replace('t=2', 't=100000')],
    ['zero lanes', () => stored.replace('p=1', 'p=0')],
    ['an unknown type', () => stored.replace('$argon2id$', '$argon2x$')],
    ['null', null],
    ['a number', 42],
  ])('gives ok false, never an exception, for %s', async (_, make) => {
    const hash = typeof make === 'function' ? make() : make;
    await expect(verifyPassword(hash as string, PASSWORD)).resolves.toEqual({
      ok: false,
      needsRehash: false,
    });
  });

  it('reads the parameters in any order, as other argon2 implementations write them', async () => {
    const [, type, version, , salt, digest] = stored.split('$');
    const reordered = ['', type, version, 'm=19456,t=2,p=1', salt, digest].join('$');
    expect(reordered).not.toBe(stored);
    expect(await verifyPassword(reordered, PASSWORD)).toEqual({ ok: true, needsRehash: false });
  });

  it('does not accept the right password against an altered hash', async () => {
    const parts = stored.split('$');
    const digest = Buffer.from(parts[5] ?? '', 'base64');
    digest[0] = (digest[0] ?? 0) ^ 1;
    parts[5] = digest.toString('base64').replace(/=+$/, '');
    expect(await verifyPassword(parts.join('$'), PASSWORD)).toEqual({
      ok: false,
      needsRehash: false,
    });
  });
});
