import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64Lenient, encodeBase64 } from '../src/base64.js';
import { passwordDigest } from '../src/password_digest.js';
import { passwordDigestAsync } from '../src/password_digest_async.js';

describe('passwordDigest (node:crypto, W-2)', () => {
  it('returns the 20 raw bytes of the SHA-1', () => {
    const digest = passwordDigest(
      decodeBase64Lenient('AQIDBPD/gH8='),
      '2026-11-22T09:15:30.123Z',
      'secret with spaces & ümlauts',
    );
    expect(Buffer.isBuffer(digest)).toBe(true);
    expect(digest).toHaveLength(20);
    expect(digest.toString('base64')).toBe('zAlw4859F53lScyiquyHlgrqpNA=');
  });

  it('depends on every part', () => {
    const base = passwordDigest(new Uint8Array([1]), 'c', 's').toString('hex');
    expect(passwordDigest(new Uint8Array([2]), 'c', 's').toString('hex')).not.toBe(base);
    expect(passwordDigest(new Uint8Array([1]), 'd', 's').toString('hex')).not.toBe(base);
    expect(passwordDigest(new Uint8Array([1]), 'c', 't').toString('hex')).not.toBe(base);
  });

  it('agrees with the WebCrypto path on any strings, lone surrogates included', async () => {
    const unit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 130 }),
        fc.string({ unit, maxLength: 40 }),
        fc.string({ unit, maxLength: 80 }),
        async (nonceBytes, created, secret) => {
          const nonce = encodeBase64(nonceBytes);
          const sync = passwordDigest(decodeBase64Lenient(nonce), created, secret).toString(
            'base64',
          );
          await expect(passwordDigestAsync(nonce, created, secret)).resolves.toBe(sync);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
