import { encodeBase64Url } from './base64url.js';

/**
 * A random base64url string from the platform CSPRNG (`crypto.getRandomValues`), for OAuth
 * `state` and PKCE verifiers. 32 bytes give 43 characters (RFC 7636 §4.1's minimum).
 */
export function randomToken(byteLength = 32): string {
  return encodeBase64Url(globalThis.crypto.getRandomValues(new Uint8Array(byteLength)));
}
