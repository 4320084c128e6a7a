import { KeygateError } from '../errors.js';

/** The closed set of administration error codes; tests assert `code`. */
export type AdminErrorCode = 'not_found' | 'already_exists' | 'invalid_input';

/** The HTTP status of each administration error code. */
export const ADMIN_ERROR_STATUS: Readonly<Record<AdminErrorCode, number>> = {
  not_found: 404,
  already_exists: 409,
  invalid_input: 400,
};

/**
 * A refused administration act (CLI or admin API). Messages are safe to show to an operator:
 * they name the object concerned, never a secret.
 */
export class AdminError extends KeygateError<AdminErrorCode> {
  override readonly name: string = 'AdminError';
  constructor(code: AdminErrorCode, message: string) {
    super(code, message, { status: ADMIN_ERROR_STATUS[code] });
  }
}

/** A named organization, user or API key does not exist. */
export class NotFoundError extends AdminError {
  static readonly code = 'not_found';
  override readonly name = 'NotFoundError';
  constructor(message: string) {
    super('not_found', message);
  }
}

/** The object to create exists already (a unique name, login or one-key-per-organization rule). */
export class AlreadyExistsError extends AdminError {
  static readonly code = 'already_exists';
  override readonly name = 'AlreadyExistsError';
  constructor(message: string) {
    super('already_exists', message);
  }
}

/** An argument is not acceptable (a bad name, a password outside the policy …). */
export class InvalidInputError extends AdminError {
  static readonly code = 'invalid_input';
  override readonly name = 'InvalidInputError';
  constructor(message: string) {
    super('invalid_input', message);
  }
}
