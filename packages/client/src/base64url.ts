import { decodeBase64Lenient, encodeBase64 } from '@keygate/wsse';

/**
 * base64url without padding (RFC 4648 §5), as JWTs and PKCE use it. Built on
 * `@keygate/wsse`'s codec, so it needs neither `Buffer` nor `atob` and runs in browsers.
 */
export function encodeBase64Url(bytes: Uint8Array): string {
  return encodeBase64(bytes).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/**
 * Decodes strict unpadded base64url; returns null for any character outside the alphabet or
 * an impossible length, so a tampered JWT segment is refused rather than half-decoded.
 */
export function decodeBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  return decodeBase64Lenient(text.replaceAll('-', '+').replaceAll('_', '/'));
}
