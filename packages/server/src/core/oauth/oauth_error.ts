/** RFC 6749 §5.2 / §4.1.2.1 error codes keygate sends (O-3, O-6). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'server_error'
  | 'temporarily_unavailable';

/**
 * An OAuth protocol error. `expose` errors are sent as they are; anything else that reaches
 * the wire is turned into `server_error` by the HTTP layer. Descriptions never contain a
 * token, code, secret or password.
 */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  readonly expose = true;
  constructor(
    readonly error: OAuthErrorCode,
    readonly errorDescription: string,
    readonly status: number = error === 'invalid_client' ? 401 : 400,
  ) {
    super(errorDescription);
  }
}
