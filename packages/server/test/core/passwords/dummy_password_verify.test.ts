import { describe, expect, it, vi } from 'vitest';

const verifyCalls: string[] = [];

// Record which hashes argon2 is asked to verify, so the test can see that the dummy path
// really runs argon2 with the current parameters instead of returning at once.
vi.mock('argon2', async (importOriginal) => {
  const actual = await importOriginal<typeof import('argon2')>();
  return {
    ...actual,
    verify: async (...args: Parameters<typeof actual.verify>) => {
      verifyCalls.push(args[0]);
      return actual.verify(...args);
    },
  };
});

const { dummyPasswordVerify } = await import(
  '../../../src/core/passwords/dummy_password_verify.js'
);
const { verifyPassword } = await import('../../../src/core/passwords/verify_password.js');

/** `m=…,t=…,p=…` of a PHC string as an object, whatever order the library writes. */
function params(hash: string | undefined): Record<string, number> {
  const list = (hash ?? '').split('$')[3] ?? '';
  return Object.fromEntries(
    list
      .split(',')
      .map((kv) => kv.split('='))
      .map(([k, v]) => [k, Number(v)]),
  );
}

describe('dummyPasswordVerify', () => {
  it('runs a real argon2 verification with the current parameters and always fails', async () => {
    verifyCalls.length = 0;
    expect(await dummyPasswordVerify('any password')).toEqual({ ok: false, needsRehash: false });
    expect(await dummyPasswordVerify('')).toEqual({ ok: false, needsRehash: false });
    expect(verifyCalls).toHaveLength(2);
    expect(verifyCalls[0]).toMatch(/^\$argon2id\$v=19\$/);
    expect(params(verifyCalls[0])).toEqual({ m: 19456, t: 2, p: 1 });
    // The dummy hash is made once and reused.
    expect(verifyCalls[1]).toBe(verifyCalls[0]);

    await dummyPasswordVerify('x', { memoryCost: 24_576 });
    expect(params(verifyCalls[2])).toEqual({ m: 24576, t: 2, p: 1 });
  });

  it('is what verifyPassword spends on a malformed stored hash', async () => {
    verifyCalls.length = 0;
    expect(await verifyPassword('garbage', 'password1')).toEqual({ ok: false, needsRehash: false });
    expect(verifyCalls).toHaveLength(1);
    expect(params(verifyCalls[0])).toEqual({ m: 19456, t: 2, p: 1 });
  });
});
