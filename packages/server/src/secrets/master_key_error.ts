/**
 * The master key configuration cannot be used: a bad `KEYGATE_MASTER_KEY` entry, a key file
 * that is unreadable, malformed or too open, or a rotation that cannot start. The message
 * says what to fix and names entries by position or line, never by value.
 */
export class MasterKeyError extends Error {
  static readonly code = 'master_key';
  readonly code = 'master_key';
  override readonly name = 'MasterKeyError';
}
