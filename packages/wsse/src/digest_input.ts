const encoder = new TextEncoder();

/**
 * The bytes a WSSE PasswordDigest hashes (W-2): `nonceBytes ‖ utf8(created) ‖ utf8(secret)`.
 *
 * `created` is the header's text exactly as sent. Strings are UTF-8 encoded the way
 * `TextEncoder` and Node's `'utf8'` both do it (a lone surrogate becomes U+FFFD), so the
 * browser and Node paths hash identical bytes.
 *
 * @param nonceBytes - The decoded nonce (see `decodeBase64Lenient`).
 * @param created - The `Created` text.
 * @param secret - The credential's secret.
 * @returns A new buffer holding the concatenation.
 */
export function digestInput(
  nonceBytes: Uint8Array,
  created: string,
  secret: string,
): Uint8Array<ArrayBuffer> {
  const createdBytes = encoder.encode(created);
  const secretBytes = encoder.encode(secret);
  const out = new Uint8Array(nonceBytes.length + createdBytes.length + secretBytes.length);
  out.set(nonceBytes, 0);
  out.set(createdBytes, nonceBytes.length);
  out.set(secretBytes, nonceBytes.length + createdBytes.length);
  return out;
}
