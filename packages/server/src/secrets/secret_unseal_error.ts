/** Why a sealed secret did not open; for operators and tests, never shown to a client. */
export type SecretUnsealReason = 'malformed' | 'unknown_key' | 'authentication_failed';

/**
 * A sealed secret could not be opened: it is not in the sealed format, it was sealed by a
 * master key that is not loaded, or it fails authentication (tampered bytes, or associated
 * data that differs, such as a ciphertext moved to another row). The message is fixed and
 * never contains the sealed text, the associated data or any key.
 */
export class SecretUnsealError extends Error {
  static readonly code = 'secret_unseal';
  readonly code = 'secret_unseal';
  override readonly name = 'SecretUnsealError';
  constructor(readonly reason: SecretUnsealReason) {
    super('sealed secret cannot be opened with the loaded master keys');
  }
}
