import { encodeBase64 } from './base64.js';
import { assertNonceByteLength } from './nonce_length.js';

/**
 * Generates a fresh WSSE nonce: base64 of `byteLength` bytes from the platform CSPRNG
 * (`globalThis.crypto.getRandomValues`), so it decodes back to exactly those bytes.
 *
 * @param byteLength - Random bytes before encoding, 8–128 (W-3). Default 16.
 * @returns Padded standard base64, e.g. 24 characters for 16 bytes.
 * @throws RangeError unless `byteLength` is an integer from 8 to 128.
 */
export function generateNonce(byteLength = 16): string {
  assertNonceByteLength(byteLength);
  return encodeBase64(globalThis.crypto.getRandomValues(new Uint8Array(byteLength)));
}
