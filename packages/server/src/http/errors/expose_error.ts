import type { FastifyError } from 'fastify';
import { KeygateError, ServerError } from '../../core/errors.js';
import { StoreUnavailableError } from '../../store/port.js';
import { describeRequestError } from './describe_request_error.js';
import { RequestError } from './request_error.js';

/**
 * Turns anything a route or hook threw into the {@link KeygateError} that may be sent: an
 * exposed keygate error as it is; a store outage as `temporarily_unavailable` (503, fail
 * closed, S-4); a request Fastify refused before the handler (schema, body parsing, 4xx) as
 * `invalid_request` with a description that never quotes the request; anything else as a
 * generic `server_error`, whose details only the log sees.
 */
export function exposeError(error: unknown): KeygateError {
  if (error instanceof KeygateError) {
    return error.expose ? error : new ServerError('server_error');
  }
  if (error instanceof StoreUnavailableError) return new ServerError('temporarily_unavailable');
  const status = (error as Partial<FastifyError>).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return new RequestError(describeRequestError(error as FastifyError), status);
  }
  return new ServerError('server_error');
}
