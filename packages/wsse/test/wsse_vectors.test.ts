import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBase64Lenient } from '../src/base64.js';
import { parseCreated } from '../src/parse_created.js';
import { parseWsseHeader } from '../src/parse_wsse_header.js';
import { passwordDigest } from '../src/password_digest.js';
import { passwordDigestAsync } from '../src/password_digest_async.js';
import { verifyPasswordDigest } from '../src/verify_password_digest.js';
import { hex, loadVectors, VECTORS_FILE } from './vectors.js';

const vectors = loadVectors();

it('the vector file is kept byte for byte as PHP, Python and npm wsse computed it (P-1)', () => {
  const digest = createHash('sha256').update(readFileSync(VECTORS_FILE)).digest('hex');
  expect(digest).toBe('06a63fb7a7c517df5e932413b39c8aaa53116d62223c88b6a6180056e01194da');
});

describe('known-answer vectors: valid (W-2)', () => {
  it('has the cases the vector file promises', () => {
    expect(vectors.valid.length).toBeGreaterThanOrEqual(10);
  });

  describe.each(vectors.valid.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    it('decodes the nonce like PHP base64_decode', () => {
      expect(hex(decodeBase64Lenient(v.nonce))).toBe(v.decoded_nonce_hex);
    });

    it('computes the password digest synchronously', () => {
      const digest = passwordDigest(decodeBase64Lenient(v.nonce), v.created, v.secret);
      expect(digest.toString('base64')).toBe(v.password_digest);
    });

    it('computes the password digest with WebCrypto', async () => {
      await expect(passwordDigestAsync(v.nonce, v.created, v.secret)).resolves.toBe(
        v.password_digest,
      );
    });

    it('verifies', () => {
      expect(
        verifyPasswordDigest(v.password_digest, decodeBase64Lenient(v.nonce), v.created, v.secret),
      ).toBe(true);
    });

    it('does not verify under another secret', () => {
      expect(
        verifyPasswordDigest(
          v.password_digest,
          decodeBase64Lenient(v.nonce),
          v.created,
          `${v.secret}x`,
        ),
      ).toBe(false);
    });

    it('parses its X-WSSE header back to the fields', () => {
      expect(parseWsseHeader(v.x_wsse)).toEqual({
        ok: true,
        token: {
          username: v.username,
          passwordDigest: v.password_digest,
          nonce: v.nonce,
          created: v.created,
        },
      });
    });

    it('parses Created to the instant PHP strtotime gives', () => {
      const ms = parseCreated(v.created);
      expect(ms).not.toBeNull();
      expect(Math.floor((ms ?? Number.NaN) / 1000)).toBe(v.created_unix);
      if (!v.created.includes('.')) expect(ms).toBe(v.created_unix * 1000);
    });
  });
});

describe('known-answer vectors: invalid (W-2)', () => {
  it.each(vectors.invalid.map((v) => [v.name, v] as const))('%s does not verify', (_name, v) => {
    let result: boolean | undefined;
    expect(() => {
      result = verifyPasswordDigest(
        v.password_digest,
        decodeBase64Lenient(v.nonce),
        v.created,
        v.secret,
      );
    }).not.toThrow();
    expect(result).toBe(false);
  });
});
