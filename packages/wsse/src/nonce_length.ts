/** Fewest random bytes a generated nonce may have (W-3's lower bound). */
export const MIN_NONCE_BYTES = 8;
/** Most random bytes a generated nonce may have (W-3's upper bound). */
export const MAX_NONCE_BYTES = 128;

/**
 * Checks a requested nonce size against W-3's 8–128 decoded bytes. Internal: shared by the
 * WebCrypto and node:crypto token builders so both refuse the same sizes.
 *
 * @param byteLength - The requested number of random bytes.
 * @throws RangeError unless it is an integer from 8 to 128.
 */
export function assertNonceByteLength(byteLength: number): void {
  if (
    !Number.isInteger(byteLength) ||
    byteLength < MIN_NONCE_BYTES ||
    byteLength > MAX_NONCE_BYTES
  ) {
    throw new RangeError(
      `nonce byte length must be an integer from ${MIN_NONCE_BYTES} to ${MAX_NONCE_BYTES}`,
    );
  }
}
