/** The closed set of domain error codes for admin operations; tests assert `code`. */
export type KeygateErrorCode = 'not_found' | 'already_exists' | 'invalid_input';

/**
 * Base class for keygate's own errors. Messages are safe to show to an operator: they name
 * the object concerned, never a secret.
 */
export class KeygateError extends Error {
  override readonly name: string = 'KeygateError';
  constructor(
    readonly code: KeygateErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A named organization, user or API key does not exist. */
export class NotFoundError extends KeygateError {
  static readonly code = 'not_found';
  override readonly name = 'NotFoundError';
  constructor(message: string) {
    super('not_found', message);
  }
}

/** The object to create exists already (a unique name, login or one-key-per-organization rule). */
export class AlreadyExistsError extends KeygateError {
  static readonly code = 'already_exists';
  override readonly name = 'AlreadyExistsError';
  constructor(message: string) {
    super('already_exists', message);
  }
}

/** An argument is not acceptable (a bad name, a password outside the policy …). */
export class InvalidInputError extends KeygateError {
  static readonly code = 'invalid_input';
  override readonly name = 'InvalidInputError';
  constructor(message: string) {
    super('invalid_input', message);
  }
}
