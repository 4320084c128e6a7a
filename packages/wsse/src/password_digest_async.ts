import { decodeBase64Lenient, encodeBase64 } from './base64.js';
import { digestInput } from './digest_input.js';

/**
 * Computes a WSSE PasswordDigest with WebCrypto (W-2):
 * `base64(sha1(decode64(nonce) ‖ created ‖ secret))`, where `decode64` is PHP's lenient
 * `base64_decode` (`decodeBase64Lenient`). Works in browsers and Node ≥ 20.
 *
 * @param nonce - The nonce text as it appears in the header.
 * @param created - The `Created` text as it appears in the header.
 * @param secret - The credential's secret.
 * @returns The base64 digest, 28 characters.
 */
export async function passwordDigestAsync(
  nonce: string,
  created: string,
  secret: string,
): Promise<string> {
  const input = digestInput(decodeBase64Lenient(nonce), created, secret);
  const hash = await globalThis.crypto.subtle.digest('SHA-1', input);
  return encodeBase64(new Uint8Array(hash));
}
