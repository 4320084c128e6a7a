import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { LegacyDeps } from '../core/legacy/legacy_deps.js';
import { OAuthClientCache } from '../core/oauth/authenticate_client.js';
import type { GrantDeps } from '../core/oauth/grant_deps.js';
import { createTokenService } from '../core/tokens/create_token_service.js';
import { CredentialStamps } from '../core/tokens/credential_stamps.js';
import { SigningKeyCache } from '../core/tokens/signing_key_cache.js';
import { VerifiedTokenCache } from '../core/tokens/verified_token_cache.js';
import { CredentialCache } from '../core/wsse/credential_cache.js';
import type { WssePrincipal, WsseVerifierDeps } from '../core/wsse/verify_username_token.js';
import { answerFrameworkError } from './answer_framework_error.js';
import type { AppDeps } from './app_deps.js';
import { createAuthenticationHook } from './authenticate_request.js';
import { installErrorHandlers } from './install_error_handlers.js';
import { installJsonBodyParser } from './install_json_body_parser.js';
import { registerLegacyTokenRoutes } from './legacy/legacy_token_routes.js';
import { registerWsseTokenRoute } from './legacy/wsse_token_route.js';
import { registerAuthorizeRoutes } from './oauth/authorize_routes.js';
import { registerDiscoveryRoutes } from './oauth/discovery_routes.js';
import { registerTokenManagementRoutes } from './oauth/token_management_routes.js';
import { registerTokenRoute } from './oauth/token_route.js';
import { registerHealthRoutes } from './routes/health_routes.js';
import { registerMeRoute } from './routes/me_route.js';

/**
 * Node's own header limit (16 KiB) would answer 431 before keygate sees an oversized X-WSSE
 * header; raising it lets keygate answer with its documented 401 `malformed_header` instead.
 */
const MAX_REQUEST_HEADER_BYTES = 64 * 1024;

/** Builds the keygate Fastify application (not yet listening). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, store, secrets, logger, now } = deps;
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
  installErrorHandlers(app);
  registerHealthRoutes(app, store);

  const keys = new SigningKeyCache(
    { store, secrets, now },
    {
      onKeyProblem: (kid, problem) =>
        logger.warn({ event: 'signing_key.unusable', kid, problem }, 'signing key skipped'),
    },
  );
  // Signature checks of tokens already seen are remembered (claims are re-checked each time).
  const verifiedTokens = new VerifiedTokenCache();
  const tokens = createTokenService(
    { keys, issuer: config.issuer, now, verifiedTokens },
    {
      accessTokenAudience: config.oauth.audience,
      accessTokenLifetimeSeconds: config.oauth.accessTokenLifetimeSeconds,
    },
  );
  // Credential and client lookups are cached while the store's dataVersion says nothing changed.
  const credentialCache = new CredentialCache<WssePrincipal>();
  const wsse: WsseVerifierDeps = { store, secrets, policy: config.wsse, now, credentialCache };
  // What tokens made from an API key are checked against, so revoking the key ends them.
  const credentialStamps = new CredentialStamps({ store, secrets });
  const grants: GrantDeps = {
    store,
    tokens,
    sealer: secrets,
    wsse,
    credentialStamps,
    now,
    clientCache: new OAuthClientCache(),
    policy: {
      authorizationCodeLifetimeSeconds: config.oauth.authorizationCodeLifetimeSeconds,
      refreshTokenLifetimeSeconds: config.oauth.refreshTokenLifetimeSeconds,
      refreshReuseIntervalSeconds: config.oauth.refreshReuseIntervalSeconds,
    },
  };
  registerDiscoveryRoutes(app, config.issuer, () => keys.jwks());
  registerTokenRoute(app, grants, config.realm);
  registerTokenManagementRoutes(app, grants, config.realm);
  // Only the sign-in and consent pages use cookies: the token and /api routes do without the
  // cookie plugin's hooks on every request.
  await app.register(async (pages) => {
    await pages.register(cookie);
    registerAuthorizeRoutes(pages, {
      store,
      sealer: secrets,
      now,
      codeLifetimeSeconds: config.oauth.authorizationCodeLifetimeSeconds,
      sessionLifetimeSeconds: config.oauth.sessionLifetimeSeconds,
      secureCookies: config.issuer.startsWith('https:'),
      issuer: config.issuer,
    });
  });

  // Legacy JWTs (L-1..L-4): same keys and audience as access tokens, their own `typ`.
  const legacy: LegacyDeps = {
    store,
    tokens: { keys, issuer: config.issuer, now, verifiedTokens },
    audience: config.oauth.audience,
    credentialStamps,
    tokenLifetimeSeconds: config.legacy.tokenLifetimeSeconds,
    refreshIdleSeconds: config.legacy.refreshIdleSeconds,
  };
  registerLegacyTokenRoutes(app, legacy, config.realm);

  const authenticate = createAuthenticationHook({
    wsse,
    tokens,
    credentialStamps,
    legacy,
    realm: config.realm,
  });
  await app.register(
    async (api) => {
      api.addHook('onRequest', authenticate);
      registerMeRoute(api);
      registerWsseTokenRoute(api, legacy, config.realm);
    },
    { prefix: '/api' },
  );
  return app;
}
