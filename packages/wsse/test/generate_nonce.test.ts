import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeBase64Lenient } from '../src/base64.js';
import { generateNonce } from '../src/generate_nonce.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('generateNonce (W-3)', () => {
  it('defaults to 16 random bytes as padded base64', () => {
    const nonce = generateNonce();
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(decodeBase64Lenient(nonce)).toHaveLength(16);
  });

  it.each([8, 9, 10, 64, 127, 128])('gives %i bytes on request', (n) => {
    expect(decodeBase64Lenient(generateNonce(n))).toHaveLength(n);
    expect(generateNonce(n)).toHaveLength(Math.ceil(n / 3) * 4);
  });

  it.each([7, 129, 0, -16, 16.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'throws RangeError for %s bytes',
    (n) => {
      expect(() => generateNonce(n)).toThrow(RangeError);
    },
  );

  it('takes its bytes from crypto.getRandomValues', () => {
    const spy = vi
      .spyOn(globalThis.crypto, 'getRandomValues')
      .mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
        if (array instanceof Uint8Array) array.fill(0xab);
        return array;
      });
    expect(generateNonce(8)).toBe('q6urq6urq6s=');
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('does not repeat', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => generateNonce(8)));
    expect(seen.size).toBe(1000);
  });
});
