import type { UsernameToken } from './username_token.js';

const PROPERTIES = ['username', 'passwordDigest', 'nonce', 'created'] as const;

/** A value the header grammar cannot carry: empty, a double quote, or a C0 control or DEL. */
function unsafeReason(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length === 0) return 'must not be empty';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x22) return 'must not contain a double quote';
    if (code < 0x20 || code === 0x7f) return 'must not contain control characters';
  }
  return null;
}

/**
 * Formats a UsernameToken as an `X-WSSE` header value (W-1), in the order every vendor
 * example uses:
 * `UsernameToken Username="…", PasswordDigest="…", Nonce="…", Created="…"`.
 *
 * Values are written verbatim; there is no escaping in this header, so a value that could not
 * be parsed back is refused instead.
 *
 * @param token - The four field values.
 * @returns The header value, which {@link parseWsseHeader} parses back to `token`.
 * @throws TypeError when a value is not a string, is empty, or contains `"`, a C0 control
 *   character (including CR, LF and tab) or DEL.
 */
export function formatWsseHeader(token: UsernameToken): string {
  for (const property of PROPERTIES) {
    const reason = unsafeReason(token[property]);
    if (reason !== null) throw new TypeError(`formatWsseHeader: ${property} ${reason}`);
  }
  return `UsernameToken Username="${token.username}", PasswordDigest="${token.passwordDigest}", Nonce="${token.nonce}", Created="${token.created}"`;
}
