import type { FastifyError, FastifyInstance } from 'fastify';
import { StoreUnavailableError } from '../store/port.js';
import { describeRequestError } from './describe_request_error.js';
import { sendJsonError } from './send_json_error.js';
import { sendRequestError } from './send_request_error.js';

/**
 * Bad input is a clear 4xx in the route's error format (a schema failure names the field; the
 * request itself is never quoted), a store outage is 503 (fail closed, S-4), and anything else is a
 * generic 500 whose details go only to the log.
 */
export function installErrorHandlers(app: FastifyInstance): void {
  // The URL is not repeated: its path or query may carry a token or a code.
  app.setNotFoundHandler((_request, reply) =>
    sendJsonError(reply, 404, 'not_found', 'There is no endpoint at this address.'),
  );
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof StoreUnavailableError) {
      request.log.error({ event: 'store.unavailable', err: error.message }, 'store unavailable');
      reply.header('retry-after', '5');
      return sendJsonError(
        reply,
        503,
        'temporarily_unavailable',
        'The credential store is unavailable; retry shortly.',
      );
    }
    const status = error.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return sendRequestError(request, reply, status, describeRequestError(error));
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendJsonError(reply, 500, 'server_error', 'Internal server error.');
  });
}
