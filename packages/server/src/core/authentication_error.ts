import { type Challenge, KeygateError } from './errors.js';
import type { WsseFailureCode } from './wsse/wsse_failure.js';

/**
 * The closed set of codes a protected route (`/api/*`, R-1) refuses a request with: the WSSE
 * failure codes (W-10), `invalid_token` for a Bearer token or legacy JWT that does not hold,
 * `authentication_required` when no credential was sent, and `wsse_required` where only an
 * X-WSSE header may be used (L-4).
 */
export type AuthenticationErrorCode =
  | WsseFailureCode
  | 'invalid_token'
  | 'authentication_required'
  | 'wsse_required';

/**
 * A request to a protected route that carries no usable credential: always 401, with the
 * challenges of the scheme that failed (every scheme when none was tried).
 */
export class AuthenticationError extends KeygateError<AuthenticationErrorCode> {
  override readonly name = 'AuthenticationError';
  constructor(
    code: AuthenticationErrorCode,
    description: string,
    challenges: readonly Challenge[],
  ) {
    super(code, description, { status: 401, challenges });
  }
}

/** The WSSE challenge (W-10): the UsernameToken profile. */
export const WSSE_CHALLENGE: Challenge = { scheme: 'WSSE', params: { profile: 'UsernameToken' } };
