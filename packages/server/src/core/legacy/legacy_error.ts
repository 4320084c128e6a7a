import { KeygateError } from '../errors.js';

/**
 * The closed set of legacy JWT endpoint errors (L-1, L-3, L-4); tests assert `code`.
 * - `invalid_request` (400): the body is not the documented JSON shape.
 * - `invalid_credentials` (401): wrong username or password, unknown or disabled user, all alike.
 * - `invalid_token` (401): the refresh token is unknown, idle too long, revoked, or its user or
 *   organization is disabled.
 * - `no_organization` (403): the user signed in but is in no active organization.
 * - `invalid_organization` (403): the requested organization is not one of the user's active ones.
 */
export type LegacyErrorCode =
  | 'invalid_request'
  | 'invalid_credentials'
  | 'invalid_token'
  | 'no_organization'
  | 'invalid_organization';

/** The HTTP status of each legacy error code. */
export const LEGACY_ERROR_STATUS: Readonly<Record<LegacyErrorCode, number>> = {
  invalid_request: 400,
  invalid_credentials: 401,
  invalid_token: 401,
  no_organization: 403,
  invalid_organization: 403,
};

/**
 * A refusal by a legacy JWT endpoint, carrying its HTTP status and a description that is safe
 * to send: it never contains a password, a token or any part of one. Its 401s carry the `JWT`
 * challenge.
 */
export class LegacyError extends KeygateError<LegacyErrorCode> {
  override readonly name = 'LegacyError';
  constructor(code: LegacyErrorCode, description: string) {
    const status = LEGACY_ERROR_STATUS[code];
    super(code, description, { status, challenges: status === 401 ? [{ scheme: 'JWT' }] : [] });
  }
}
