import { KeygateError } from '../errors.js';

/**
 * Why keygate cannot sign: `no_signing_key` when no key is active yet (run
 * `ensureSigningKey` at start), `key_unavailable` when the current key's private part cannot
 * be opened or does not match its public part (wrong master key, damaged row).
 */
export type SigningKeyErrorCode = 'no_signing_key' | 'key_unavailable';

/**
 * keygate cannot sign a token. An operator problem, never caused by a client, so it is not
 * exposed: a request that meets it is answered `server_error`. The message names at most the
 * key id, never key material.
 */
export class SigningKeyError extends KeygateError<SigningKeyErrorCode> {
  override readonly name = 'SigningKeyError';
  constructor(code: SigningKeyErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, { status: 500, expose: false, cause: options?.cause });
  }
}
