/** Length in bytes of an AES-256 master key. */
export const MASTER_KEY_BYTES = 32;

/** What `parseMasterKey` accepts, phrased for error messages. */
export const MASTER_KEY_FORMAT_HINT =
  'a 32-byte key as 64 hex characters, or 43 base64/base64url characters (44 with "=" padding), e.g. from `openssl rand -base64 32`';

const HEX = /^[0-9a-fA-F]{64}$/;
const BASE64_ANY = /^[A-Za-z0-9+/_-]{43}={0,1}$/;

/**
 * Decodes one master key written as hex, base64 or base64url (padding optional). Returns
 * null unless the text is exactly one canonical encoding of 32 bytes, so two spellings of
 * one key cannot both pass and a truncated or padded key is refused rather than guessed.
 */
export function parseMasterKey(text: string): Uint8Array | null {
  if (HEX.test(text)) return new Uint8Array(Buffer.from(text, 'hex'));
  if (!BASE64_ANY.test(text)) return null;
  const unpadded = text.replace(/=$/, '').replaceAll('+', '-').replaceAll('/', '_');
  const bytes = Buffer.from(unpadded, 'base64url');
  // Node ignores the low bits of the last character; re-encoding rejects non-canonical text.
  if (bytes.length !== MASTER_KEY_BYTES || bytes.toString('base64url') !== unpadded) return null;
  return new Uint8Array(bytes);
}
