import { describe, expect, it } from 'vitest';
import { hashPassword } from '../../../src/core/passwords/hash_password.js';
import {
  PASSWORD_HASH_PARAMS,
  resolvePasswordHashParams,
} from '../../../src/core/passwords/password_hash_params.js';
import { verifyPassword } from '../../../src/core/passwords/verify_password.js';

/** The PHC fields of an argon2 hash, parameters in any order. */
function phc(hash: string): { type?: string; version?: string; params: Record<string, number> } {
  const [, type, version, params = ''] = hash.split('$');
  return {
    type,
    version,
    params: Object.fromEntries(
      params
        .split(',')
        .map((kv) => kv.split('='))
        .map(([k, v]) => [k, Number(v)]),
    ),
  };
}

describe('hashPassword', () => {
  it('defaults to argon2id with OWASP minimum parameters (L-5)', async () => {
    expect(PASSWORD_HASH_PARAMS).toEqual({ memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const hash = await hashPassword('correct horse battery staple');
    expect(phc(hash)).toEqual({
      type: 'argon2id',
      version: 'v=19',
      params: { m: 19456, t: 2, p: 1 },
    });
    // 16-byte salt and 32-byte output, unpadded base64.
    expect(hash).toMatch(/\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(hash).not.toContain('correct horse');
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([
      hashPassword('same password'),
      hashPassword('same password'),
    ]);
    expect(a).not.toBe(b);
  });

  it('takes overridden parameters', async () => {
    const hash = await hashPassword('correct horse battery staple', {
      memoryCost: 24_576,
      timeCost: 3,
    });
    expect(phc(hash).params).toEqual({ m: 24576, t: 3, p: 1 });
  });

  it('hashes the password exactly as typed: no normalisation, trimming or truncation', async () => {
    const composed = 'caf\u00e9 pass';
    const decomposed = 'cafe\u0301 pass';
    const hash = await hashPassword(composed);
    expect(await verifyPassword(hash, composed)).toMatchObject({ ok: true });
    expect(await verifyPassword(hash, decomposed)).toMatchObject({ ok: false });
    expect(await verifyPassword(hash, ` ${composed}`)).toMatchObject({ ok: false });

    const long = `${'x'.repeat(1023)}y`;
    const longHash = await hashPassword(long);
    expect(await verifyPassword(longHash, `${'x'.repeat(1023)}z`)).toMatchObject({ ok: false });
    expect(await verifyPassword(longHash, long)).toMatchObject({ ok: true });
  });

  it('refuses parameters below L-5 or out of range', async () => {
    await expect(hashPassword('password1', { memoryCost: 1024 })).rejects.toThrow(TypeError);
    await expect(hashPassword('password1', { timeCost: 1 })).rejects.toThrow(TypeError);
    await expect(hashPassword('password1', { parallelism: 0 })).rejects.toThrow(TypeError);
    await expect(hashPassword('password1', { timeCost: 2.5 })).rejects.toThrow(TypeError);
    expect(() => resolvePasswordHashParams({ memoryCost: 1 << 30 })).toThrow(TypeError);
    expect(resolvePasswordHashParams({ timeCost: undefined })).toEqual(PASSWORD_HASH_PARAMS);
  });
});
