import { timingSafeEqual } from 'node:crypto';
import { decodeBase64Lenient } from './base64.js';
import { passwordDigest } from './password_digest.js';

const SHA1_BYTES = 20;

/**
 * Checks a presented WSSE PasswordDigest in constant time (W-2).
 *
 * The presented text is decoded like PHP's lenient `base64_decode`; anything that does not
 * decode to exactly 20 bytes is a normal mismatch. The expected digest is computed in every
 * case, so a malformed digest costs the same hashing work as a wrong one.
 *
 * @param presentedDigest - The header's `PasswordDigest` text.
 * @param nonceBytes - The decoded nonce.
 * @param created - The `Created` text exactly as sent.
 * @param secret - The credential's secret (use a dummy one for an unknown username, W-7).
 * @returns True only when the digests match. Never throws for string and byte arguments.
 */
export function verifyPasswordDigest(
  presentedDigest: string,
  nonceBytes: Uint8Array,
  created: string,
  secret: string,
): boolean {
  const presented = decodeBase64Lenient(presentedDigest);
  const expected = passwordDigest(nonceBytes, created, secret);
  if (presented.length !== SHA1_BYTES) return false;
  return timingSafeEqual(presented, expected);
}
