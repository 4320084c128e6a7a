import type { FastifyInstance } from 'fastify';
import { StoreUnavailableError } from '../../store/port.js';
import { exposeError } from './expose_error.js';
import { RequestError } from './request_error.js';
import { type ErrorScheme, writeError } from './write_error.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** How this route answers errors (`json` when unset); see {@link ErrorScheme}. */
    errorScheme?: ErrorScheme;
  }
}

/**
 * Installs the one error handler and the not-found handler. Routes and hooks throw; this
 * answers: every error becomes the exposed keygate error (`exposeError`) written in the
 * route's scheme (`writeError`). A refusal is logged at info with its code, a store outage and
 * any other fault at error with the details that the answer leaves out.
 */
export function installErrorHandler(app: FastifyInstance, realm: string): void {
  // The URL is not repeated: its path or query may carry a token or a code.
  app.setNotFoundHandler((_request, reply) =>
    writeError(
      reply,
      new RequestError('There is no endpoint at this address.', 404, 'not_found'),
      'json',
      realm,
    ),
  );
  app.setErrorHandler((error, request, reply) => {
    const exposed = exposeError(error);
    if (error instanceof StoreUnavailableError) {
      request.log.error({ event: 'store.unavailable', err: error.message }, 'store unavailable');
    } else if (exposed.status >= 500) {
      request.log.error({ err: error }, 'unhandled error');
    } else {
      request.log.info(
        { event: 'request.refused', code: exposed.code, status: exposed.status },
        'refused',
      );
    }
    return writeError(reply, exposed, request.routeOptions.config.errorScheme ?? 'json', realm);
  });
}
