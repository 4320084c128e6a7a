/**
 * Base64 as both ends of a WSSE exchange need it: a decoder that reproduces PHP's non-strict
 * `base64_decode` byte for byte (W-2), and a standard encoder. No `Buffer`, no `atob`, so the
 * module runs unchanged in browsers.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Sextet value of each Latin-1 code unit, or -1 for anything outside the alphabet. */
const SEXTETS: Int8Array = (() => {
  const table = new Int8Array(256).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) {
    table[ALPHABET.charCodeAt(i)] = i;
  }
  return table;
})();

function sextetOf(code: number): number {
  return code < 256 ? (SEXTETS[code] ?? -1) : -1;
}

/**
 * Decodes base64 exactly like PHP's `base64_decode($text)` without `$strict`.
 *
 * PHP walks the input once: every `=` is skipped wherever it appears (data after it still
 * decodes), every character outside `A–Z a–z 0–9 + /` is skipped, and each remaining character
 * adds six bits. Complete bytes are kept; trailing bits that do not fill a byte are dropped,
 * so a lone final character contributes nothing. The output length is therefore
 * `floor(3 * validChars / 4)`.
 *
 * PHP sees bytes while this function sees UTF-16 code units: a code unit above `0xFF` is
 * treated as invalid and skipped, just as PHP skips every byte of a multi-byte UTF-8
 * sequence (all such bytes are ≥ `0x80`, none in the alphabet).
 *
 * Never throws and never rejects: every string decodes to some (possibly empty) byte array.
 *
 * @param text - The transmitted text, e.g. a WSSE `Nonce` or `PasswordDigest`.
 * @returns The decoded bytes, in a buffer of exactly that length.
 */
export function decodeBase64Lenient(text: string): Uint8Array<ArrayBuffer> {
  let valid = 0;
  for (let i = 0; i < text.length; i++) {
    if (sextetOf(text.charCodeAt(i)) >= 0) valid++;
  }
  const out = new Uint8Array(Math.floor((valid * 3) / 4));
  let j = 0;
  let phase = 0;
  // The partially filled next byte: PHP keeps it in out[j] before j advances.
  let pending = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = sextetOf(text.charCodeAt(i));
    if (ch < 0) continue;
    switch (phase) {
      case 0:
        pending = ch << 2;
        break;
      case 1:
        out[j++] = pending | (ch >> 4);
        pending = (ch & 0x0f) << 4;
        break;
      case 2:
        out[j++] = pending | (ch >> 2);
        pending = (ch & 0x03) << 6;
        break;
      default:
        out[j++] = pending | ch;
        break;
    }
    phase = (phase + 1) & 3;
  }
  return out;
}

/**
 * Encodes bytes as standard base64 (RFC 4648 §4: `+`, `/`, `=` padding), the form every WSSE
 * client sends for `PasswordDigest` and base64 nonces.
 *
 * @param bytes - Any bytes.
 * @returns The padded base64 text; empty for empty input.
 */
export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  const whole = bytes.length - (bytes.length % 3);
  for (let i = 0; i < whole; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out +=
      ALPHABET.charAt(n >> 18) +
      ALPHABET.charAt((n >> 12) & 63) +
      ALPHABET.charAt((n >> 6) & 63) +
      ALPHABET.charAt(n & 63);
  }
  const rest = bytes.length - whole;
  if (rest === 1) {
    const n = (bytes[whole] ?? 0) << 16;
    out += `${ALPHABET.charAt(n >> 18)}${ALPHABET.charAt((n >> 12) & 63)}==`;
  } else if (rest === 2) {
    const n = ((bytes[whole] ?? 0) << 16) | ((bytes[whole + 1] ?? 0) << 8);
    out += `${ALPHABET.charAt(n >> 18)}${ALPHABET.charAt((n >> 12) & 63)}${ALPHABET.charAt((n >> 6) & 63)}=`;
  }
  return out;
}
