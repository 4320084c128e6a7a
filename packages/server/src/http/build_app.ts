import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { AppDeps } from './app_deps.js';
import { createAuthenticationHook } from './authenticate_request.js';
import { installErrorHandlers } from './install_error_handlers.js';
import { registerHealthRoutes } from './routes/health_routes.js';
import { registerMeRoute } from './routes/me_route.js';

/**
 * Node's own header limit (16 KiB) would answer 431 before keygate sees an oversized X-WSSE
 * header; raising it lets keygate answer with its documented 401 `malformed_header` instead.
 */
const MAX_REQUEST_HEADER_BYTES = 64 * 1024;

/** Builds the keygate Fastify application (not yet listening). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Per-request access lines are off: auth outcomes are logged as events instead.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: deps.config.trustProxy,
    http: { maxHeaderSize: MAX_REQUEST_HEADER_BYTES },
    bodyLimit: 64 * 1024,
  });
  app.decorateRequest('principal', null);
  installErrorHandlers(app);
  registerHealthRoutes(app, deps.store);

  const authenticate = createAuthenticationHook(
    { store: deps.store, secrets: deps.secrets, policy: deps.config.wsse, now: deps.now },
    deps.config.realm,
  );
  await app.register(
    async (api) => {
      api.addHook('onRequest', authenticate);
      registerMeRoute(api);
    },
    { prefix: '/api' },
  );
  return app;
}
