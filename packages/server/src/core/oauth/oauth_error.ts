import { KeygateError } from '../errors.js';

/** RFC 6749 §5.2 / §4.1.2.1 error codes keygate answers a client's OAuth request with (O-3, O-6). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'unsupported_response_type';

/** The status each code is answered with when the caller names none. */
export const OAUTH_ERROR_STATUS: Readonly<Record<OAuthErrorCode, number>> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  access_denied: 400,
  unsupported_response_type: 400,
};

/**
 * An OAuth protocol error, sent as RFC 6749 §5.2 JSON. Every 401 (a failed, malformed or
 * missing client authentication, whether Basic or in the body) carries the `Basic`
 * challenge: RFC 6749 §5.2 requires it where the client tried Basic, and RFC 9110 §15.5.2 for
 * any 401. Descriptions never contain a token, code, secret or password.
 */
export class OAuthError extends KeygateError<OAuthErrorCode> {
  override readonly name = 'OAuthError';
  constructor(
    code: OAuthErrorCode,
    description: string,
    status: number = OAUTH_ERROR_STATUS[code],
  ) {
    super(code, description, {
      status,
      challenges: status === 401 ? [{ scheme: 'Basic' }] : [],
    });
  }
}
