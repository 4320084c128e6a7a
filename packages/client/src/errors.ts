/**
 * Typed errors of the keygate client SDK (C-6). Every error the SDK raises for a server answer
 * or a failed check is a {@link KeygateClientError} with a `code` from a closed union, so
 * callers switch on `code` (or `instanceof`) and never on message text. Messages never contain
 * a token, digest, secret or password. Caller misuse (a missing option) throws `TypeError`.
 */

/** Every `code` a {@link KeygateClientError} can carry. */
export type KeygateClientErrorCode =
  | 'oauth_error'
  | 'http_error'
  | 'session_expired'
  | 'state_mismatch'
  | 'issuer_mismatch'
  | 'invalid_response'
  | 'token_invalid'
  | 'request_refused';

/** Base class of the SDK's errors; `code` says which kind it is. */
export class KeygateClientError extends Error {
  /** The kind of error; the same value as the subclass's static `code`. */
  readonly code: KeygateClientErrorCode;

  constructor(code: KeygateClientErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * The server refused an OAuth or token request with an RFC 6749 §5.2 error body
 * (`invalid_grant`, `invalid_client` …), or the authorization redirect carried an `error`.
 */
export class OAuthError extends KeygateClientError {
  static readonly code = 'oauth_error' as const;
  /** The RFC 6749 error code, e.g. `invalid_grant`. */
  readonly error: string;
  /** The server's explanation, if any. */
  readonly error_description: string | undefined;
  /** The HTTP status of the refusal; 0 when it came back in an authorization redirect. */
  readonly status: number;

  constructor(error: string, errorDescription: string | undefined, status: number) {
    super(
      OAuthError.code,
      errorDescription ? `${error}: ${errorDescription}` : `the server answered ${error}`,
    );
    this.error = error;
    this.error_description = errorDescription;
    this.status = status;
  }
}

/**
 * A request answered with a status the SDK does not accept: a non-2xx API answer (after the
 * strategy's single retry on 401), or a redirect where the SDK needed a JSON answer (it never
 * follows redirects). `body` is the response text; `error` and `errorDescription` are filled
 * when the body is keygate's JSON error (`{"error": "expired", "error_description": "…"}`, W-10).
 */
export class KeygateHttpError extends KeygateClientError {
  static readonly code = 'http_error' as const;
  readonly status: number;
  readonly body: string;
  readonly error: string | undefined;
  readonly errorDescription: string | undefined;

  /**
   * @param reason - Why the answer was refused, when the status alone does not say (a
   *   redirect); replaces the parsed error in the message.
   */
  constructor(method: string, url: string, status: number, body: string, reason?: string) {
    const parsed = parseErrorBody(body);
    const why =
      reason !== undefined
        ? `: ${reason}`
        : `${parsed.error ? ` ${parsed.error}` : ''}${parsed.description ? `: ${parsed.description}` : ''}`;
    super(KeygateHttpError.code, `${method} ${stripQuery(url)} answered ${status}${why}`);
    this.status = status;
    this.body = body;
    this.error = parsed.error;
    this.errorDescription = parsed.description;
  }
}

/**
 * The access token and the refresh token have both expired (or the server refused the
 * refresh token): the user must sign in again (C-4). Raised without sending the request.
 */
export class SessionExpiredError extends KeygateClientError {
  static readonly code = 'session_expired' as const;

  constructor(message = 'Session expired, sign in again.', options?: ErrorOptions) {
    super(SessionExpiredError.code, message, options);
  }
}

/**
 * The authorization redirect does not belong to the authorization this client started: its
 * `state` differs, or no authorization is pending (a CSRF or mixed-up redirect, RFC 6749 §10.12).
 */
export class StateMismatchError extends KeygateClientError {
  static readonly code = 'state_mismatch' as const;

  constructor(message = 'The redirect state does not match the pending authorization.') {
    super(StateMismatchError.code, message);
  }
}

/**
 * The authorization redirect names another issuer than the expected one in its `iss`, or names
 * none where one is required (RFC 9207 §2.4): a mix-up attack, or an `issuer` option that does
 * not match the server. Raised before the code is exchanged and before an `error` in the
 * redirect is believed.
 */
export class IssuerMismatchError extends KeygateClientError {
  static readonly code = 'issuer_mismatch' as const;
  /** The issuer the response had to name; undefined when none is known (no metadata). */
  readonly expected: string | undefined;
  /** The redirect's `iss`; undefined when it carries none. */
  readonly received: string | undefined;

  constructor(expected: string | undefined, received: string | undefined) {
    const came = received === undefined ? 'carries no iss' : `names issuer ${quote(received)}`;
    super(
      IssuerMismatchError.code,
      expected === undefined
        ? `the authorization response ${came}, and no issuer is configured or published`
        : `the authorization response ${came}, expected ${quote(expected)}`,
    );
    this.expected = expected;
    this.received = received;
  }
}

/** The server answered 2xx with a body the SDK cannot use (not JSON, a field missing). */
export class InvalidResponseError extends KeygateClientError {
  static readonly code = 'invalid_response' as const;

  constructor(message: string) {
    super(InvalidResponseError.code, message);
  }
}

/** Why {@link verifyAccessToken} refused a token. */
export type TokenInvalidReason =
  | 'malformed'
  | 'algorithm'
  | 'type'
  | 'unknown_key'
  | 'signature'
  | 'issuer'
  | 'audience'
  | 'expired'
  | 'not_yet_valid'
  | 'jwks_unavailable';

/** An access token failed verification; `reason` says which check. */
export class TokenInvalidError extends KeygateClientError {
  static readonly code = 'token_invalid' as const;
  readonly reason: TokenInvalidReason;

  constructor(reason: TokenInvalidReason, message: string, options?: ErrorOptions) {
    super(TokenInvalidError.code, message, options);
    this.reason = reason;
  }
}

/**
 * What a resource server answers a request it refuses (RFC 6750 §3): the status, the error
 * code and description for the JSON body `{"error", "error_description"}`, and the
 * `WWW-Authenticate` and `Retry-After` values to send.
 */
export interface RefusalAnswer {
  /** 400 (malformed credential), 401, 403 (insufficient scope) or 503 (keygate unreachable). */
  readonly status: number;
  /** The body's `error`: `invalid_token`, `insufficient_scope`, `temporarily_unavailable` … */
  readonly error: string;
  /** The body's `error_description`. */
  readonly description: string;
  /** The `WWW-Authenticate` value; absent on a 503. */
  readonly wwwAuthenticate?: string;
  /** The `Retry-After` value in seconds; set on a 503. */
  readonly retryAfter?: number;
}

/**
 * A resource server refuses a request (R-4): no credential, a credential keygate or the local
 * token check does not accept, a missing scope, or keygate could not be asked (503, never a
 * pass). Carries the whole answer; `headers()` and `body()` give it in wire form.
 */
export class RequestRefusedError extends KeygateClientError implements RefusalAnswer {
  static readonly code = 'request_refused' as const;
  readonly status: number;
  readonly error: string;
  readonly description: string;
  readonly wwwAuthenticate: string | undefined;
  readonly retryAfter: number | undefined;

  constructor(answer: RefusalAnswer, options?: ErrorOptions) {
    super(
      RequestRefusedError.code,
      `${answer.status} ${answer.error}: ${answer.description}`,
      options,
    );
    this.status = answer.status;
    this.error = answer.error;
    this.description = answer.description;
    this.wwwAuthenticate = answer.wwwAuthenticate;
    this.retryAfter = answer.retryAfter;
  }

  /** The `WWW-Authenticate` and `Retry-After` headers of the answer, those that apply. */
  headers(): Record<string, string> {
    return {
      ...(this.wwwAuthenticate === undefined ? {} : { 'www-authenticate': this.wwwAuthenticate }),
      ...(this.retryAfter === undefined ? {} : { 'retry-after': String(this.retryAfter) }),
    };
  }

  /** The JSON body of the answer. */
  body(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

const MAX_QUOTED = 200;

/** A value from the network, quoted with control characters escaped and its length bounded. */
function quote(value: string): string {
  return JSON.stringify(value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value);
}

function stripQuery(url: string): string {
  const at = url.search(/[?#]/);
  return at < 0 ? url : url.slice(0, at);
}

const MAX_DESCRIPTION = 300;

function parseErrorBody(body: string): { error?: string; description?: string } {
  try {
    const value: unknown = JSON.parse(body);
    if (value === null || typeof value !== 'object') return {};
    const { error, error_description: description } = value as Record<string, unknown>;
    return {
      ...(typeof error === 'string' ? { error } : {}),
      ...(typeof description === 'string'
        ? { description: description.slice(0, MAX_DESCRIPTION) }
        : {}),
    };
  } catch {
    return {};
  }
}
