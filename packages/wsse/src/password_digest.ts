import { createHash } from 'node:crypto';

/**
 * Computes the raw WSSE PasswordDigest synchronously with node:crypto (W-2):
 * `sha1(nonceBytes ‖ utf8(created) ‖ utf8(secret))`. The server's hot path: the parts are fed
 * to the hash one by one, never concatenated into a new buffer.
 *
 * @param nonceBytes - The decoded nonce (`decodeBase64Lenient(token.nonce)`).
 * @param created - The `Created` text exactly as sent.
 * @param secret - The credential's secret.
 * @returns The 20-byte SHA-1 digest (base64-encode it to compare with a header's text).
 */
export function passwordDigest(nonceBytes: Uint8Array, created: string, secret: string): Buffer {
  return createHash('sha1')
    .update(nonceBytes)
    .update(created, 'utf8')
    .update(secret, 'utf8')
    .digest();
}
