import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeBase64Lenient } from '../src/base64.js';
import { verifyPasswordDigest } from '../src/verify_password_digest.js';

const calls = vi.hoisted(() => ({ createHash: 0, timingSafeEqual: 0 }));

vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return {
    ...real,
    createHash: (...args: Parameters<typeof real.createHash>) => {
      calls.createHash++;
      return real.createHash(...args);
    },
    timingSafeEqual: (...args: Parameters<typeof real.timingSafeEqual>) => {
      calls.timingSafeEqual++;
      return real.timingSafeEqual(...args);
    },
  };
});

const NONCE = decodeBase64Lenient('ZDM2ZTMxNjI4Mjk1OWE5ZWQ0Yzg5ODUxNDk3YTcxN2Y=');
const CREATED = '2003-12-15T14:43:07Z';
const SECRET = 'taadtaadpstcsm';
const DIGEST = 'quR/EWLAV4xLf9Zqyw4pDmfV9OY=';

beforeEach(() => {
  calls.createHash = 0;
  calls.timingSafeEqual = 0;
});

describe('verifyPasswordDigest (W-2)', () => {
  it('accepts the right digest', () => {
    expect(verifyPasswordDigest(DIGEST, NONCE, CREATED, SECRET)).toBe(true);
  });

  it('decodes the presented digest like PHP (padding optional, junk skipped)', () => {
    expect(verifyPasswordDigest(DIGEST.replace('=', ''), NONCE, CREATED, SECRET)).toBe(true);
    expect(verifyPasswordDigest(` ${DIGEST}\n`, NONCE, CREATED, SECRET)).toBe(true);
  });

  it('rejects a wrong secret, Created or nonce', () => {
    expect(verifyPasswordDigest(DIGEST, NONCE, CREATED, `${SECRET}!`)).toBe(false);
    expect(verifyPasswordDigest(DIGEST, NONCE, '2003-12-15T14:43:08Z', SECRET)).toBe(false);
    expect(verifyPasswordDigest(DIGEST, NONCE.subarray(1), CREATED, SECRET)).toBe(false);
  });

  it('rejects every single-bit change of the digest', () => {
    const bytes = Buffer.from(DIGEST, 'base64');
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const flipped = Buffer.from(bytes);
      flipped[bit >> 3] = (flipped[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      expect(verifyPasswordDigest(flipped.toString('base64'), NONCE, CREATED, SECRET)).toBe(false);
    }
  });

  it.each([
    ['empty', ''],
    ['4 bytes', 'AAAA'],
    ['19 bytes', Buffer.alloc(19).toString('base64')],
    ['21 bytes', Buffer.alloc(21).toString('base64')],
    [
      'the right digest plus a byte',
      Buffer.concat([Buffer.from(DIGEST, 'base64'), Buffer.from([0])]).toString('base64'),
    ],
    [
      'the right digest minus a byte',
      Buffer.from(DIGEST, 'base64').subarray(0, 19).toString('base64'),
    ],
    ['hex instead of base64', Buffer.from(DIGEST, 'base64').toString('hex')],
    ['non-alphabet only', '!!!!"""\u20ac\u20ac'],
  ])(
    'returns false for a digest of the wrong length (%s) after the same hashing work',
    (_why, presented) => {
      let result: boolean | undefined;
      expect(() => {
        result = verifyPasswordDigest(presented, NONCE, CREATED, SECRET);
      }).not.toThrow();
      expect(result).toBe(false);
      expect(calls.createHash).toBe(1);
      expect(calls.timingSafeEqual).toBe(0);
    },
  );

  it('compares a 20-byte digest with timingSafeEqual', () => {
    expect(verifyPasswordDigest(Buffer.alloc(20).toString('base64'), NONCE, CREATED, SECRET)).toBe(
      false,
    );
    expect(calls.createHash).toBe(1);
    expect(calls.timingSafeEqual).toBe(1);
  });

  it('never throws and never accepts arbitrary presented strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (presented) => {
        expect(verifyPasswordDigest(presented, NONCE, CREATED, SECRET)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('throws TypeError when called with a non-string secret (caller misuse)', () => {
    expect(() =>
      verifyPasswordDigest(DIGEST, NONCE, CREATED, undefined as unknown as string),
    ).toThrow(TypeError);
  });
});
