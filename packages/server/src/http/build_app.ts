import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { createAuthenticationHook } from './api/authenticate_request.js';
import { registerMeRoutes } from './api/me_routes.js';
import type { AppServices } from './app_services.js';
import { answerFrameworkError } from './errors/answer_framework_error.js';
import { installErrorHandler } from './errors/install_error_handler.js';
import { registerForwardAuthRoutes } from './forward_auth/verify_routes.js';
import { registerHealthRoutes } from './health_routes.js';
import { installJsonBodyParser } from './install_json_body_parser.js';
import { registerLegacyTokenRoutes } from './legacy/legacy_token_routes.js';
import { registerWsseTokenRoutes } from './legacy/wsse_token_routes.js';
import { installNoStoreByDefault } from './no_store_by_default.js';
import { registerAuthorizeRoutes } from './oauth/authorize_routes.js';
import { registerDiscoveryRoutes } from './oauth/discovery_routes.js';
import { registerTokenManagementRoutes } from './oauth/token_management_routes.js';
import { registerTokenRoutes } from './oauth/token_routes.js';

/**
 * Node's own header limit (16 KiB) would answer 431 before keygate sees an oversized X-WSSE
 * header; raising it lets keygate answer with its documented 401 `malformed_header` instead.
 */
const MAX_REQUEST_HEADER_BYTES = 64 * 1024;

/**
 * Builds the keygate Fastify application (not yet listening) over services the composition
 * root built (`runtime/compose_services.ts`).
 */
export async function buildApp(services: AppServices): Promise<FastifyInstance> {
  const { config, store, logger } = services;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Per-request access lines are off: auth outcomes are logged as events instead.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: config.trustProxy,
    http: { maxHeaderSize: MAX_REQUEST_HEADER_BYTES },
    bodyLimit: 64 * 1024,
    frameworkErrors: answerFrameworkError,
    // Route schemas check what was sent: a number is not a string, a repeated form field (an
    // array) is not a string, and nothing is dropped or filled in behind the handler's back.
    ajv: {
      customOptions: { coerceTypes: false, removeAdditional: false, allowUnionTypes: true },
    },
  });
  app.decorateRequest('principal', null);
  await app.register(formbody);
  installJsonBodyParser(app);
  installNoStoreByDefault(app);
  installErrorHandler(app, config.realm);
  registerHealthRoutes(app, store);

  registerDiscoveryRoutes(app, config.issuer, () => services.keys.jwks());
  registerTokenRoutes(app, services.grants);
  registerTokenManagementRoutes(app, services.grants);
  // Only the sign-in and consent pages use cookies: the token and /api routes do without the
  // cookie plugin's hooks on every request.
  await app.register(async (pages) => {
    await pages.register(cookie);
    registerAuthorizeRoutes(pages, services.authorizePages);
  });
  registerLegacyTokenRoutes(app, services.legacy);

  const authenticate = createAuthenticationHook(services.authentication);
  await app.register(
    async (api) => {
      api.addHook('onRequest', authenticate);
      registerMeRoutes(api);
      registerWsseTokenRoutes(api, services.legacy);
    },
    { prefix: '/api' },
  );
  registerForwardAuthRoutes(app, authenticate);
  return app;
}
