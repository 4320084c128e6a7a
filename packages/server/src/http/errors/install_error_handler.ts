import type { FastifyInstance } from 'fastify';
import { StoreUnavailableError } from '../../store/port.js';
import { exposeError } from './expose_error.js';
import { RequestError } from './request_error.js';
import { type ErrorScheme, writeError } from './write_error.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** How this route answers errors (`json` when unset); see {@link ErrorScheme}. */
    errorScheme?: ErrorScheme;
    /**
     * What this route's error log lines add about the request (forward auth: the request a
     * proxy asked about). Read only when an error is logged, so it costs nothing otherwise.
     */
    logContext?: (request: FastifyRequest) => Record<string, unknown>;
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
    const context = request.routeOptions.config.logContext?.(request);
    if (error instanceof StoreUnavailableError) {
      request.log.error(
        { event: 'store.unavailable', err: error.message, ...context },
        'store unavailable',
      );
    } else if (exposed.status >= 500) {
      request.log.error({ err: error, ...context }, 'unhandled error');
    } else {
      request.log.info(
        { event: 'request.refused', code: exposed.code, status: exposed.status, ...context },
        'refused',
      );
    }
    return writeError(reply, exposed, request.routeOptions.config.errorScheme ?? 'json', realm);
  });
}
