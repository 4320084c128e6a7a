/**
 * An authentication challenge an error answers with (RFC 9110 §11.6.1): the scheme name and
 * its parameters, without the realm, which the HTTP layer adds from configuration.
 */
export interface Challenge {
  readonly scheme: 'Basic' | 'WSSE' | 'Bearer' | 'JWT';
  readonly params?: Readonly<Record<string, string>>;
}

/** What a {@link KeygateError} is built from besides its code and description. */
export interface KeygateErrorOptions {
  /** The HTTP status it is answered with. */
  readonly status: number;
  /**
   * Whether code and description may be sent as they are (default true). An error that is
   * not exposed (an operator problem such as a missing signing key) is answered as a generic
   * `server_error`; its message goes only to the log.
   */
  readonly expose?: boolean;
  /** Challenges sent as `WWW-Authenticate` (a 401 must carry at least one, RFC 9110 §15.5.2). */
  readonly challenges?: readonly Challenge[];
  /** Sent as `Retry-After` (seconds) on a 429 or 503. */
  readonly retryAfterSeconds?: number;
  readonly cause?: unknown;
}

/**
 * The base of every error keygate answers a request with. Each family (OAuth, legacy JWT,
 * authentication, admin, request, page, server) narrows `Code` to its own closed union, so
 * tests and callers match on `code`, never on wording. Messages are safe to show when
 * `expose` is true: they name what is wrong, never a secret, token, code or password. The
 * HTTP layer turns any error into the wire shape of the route's scheme
 * (`http/errors/write_error.ts`); routes throw and never format errors themselves.
 */
export class KeygateError<Code extends string = string> extends Error {
  override readonly name: string = 'KeygateError';
  readonly status: number;
  readonly expose: boolean;
  readonly challenges: readonly Challenge[];
  readonly retryAfterSeconds: number | undefined;
  constructor(
    readonly code: Code,
    /** Safe to send when {@link KeygateError.expose} is true. */
    readonly description: string,
    options: KeygateErrorOptions,
  ) {
    super(description, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.expose = options.expose ?? true;
    this.challenges = options.challenges ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Codes of {@link ServerError}: keygate, not the client, could not answer. */
export type ServerErrorCode = 'server_error' | 'temporarily_unavailable';

/**
 * keygate could not answer: `server_error` (500) for a fault, `temporarily_unavailable` (503,
 * with `Retry-After`) when a store it depends on is down (fail closed, S-4). These are the
 * only answers to an error that is not exposed.
 */
export class ServerError extends KeygateError<ServerErrorCode> {
  override readonly name = 'ServerError';
  constructor(code: ServerErrorCode) {
    super(
      code,
      code === 'server_error'
        ? 'Internal server error.'
        : 'The credential store is unavailable; retry shortly.',
      code === 'server_error' ? { status: 500 } : { status: 503, retryAfterSeconds: 5 },
    );
  }
}
