import type { LegacyDeps } from '../core/legacy/legacy_deps.js';
import { AccessTokenCheckCache } from '../core/oauth/access_token_check_cache.js';
import { OAuthClientCache } from '../core/oauth/authenticate_client.js';
import type { AccessTokenCheckOutcome } from '../core/oauth/check_access_token.js';
import type { GrantDeps } from '../core/oauth/grant_deps.js';
import { SigningKeyCache } from '../core/signing_keys/signing_key_cache.js';
import { createTokenService } from '../core/tokens/create_token_service.js';
import { CredentialStamps } from '../core/tokens/credential_stamps.js';
import { VerifiedTokenCache } from '../core/tokens/verified_token_cache.js';
import { CredentialCache } from '../core/wsse/credential_cache.js';
import type { WssePrincipal, WsseVerifierDeps } from '../core/wsse/verify_username_token.js';
import type { AppDeps } from '../http/app_deps.js';
import type { AppServices } from '../http/app_services.js';

/**
 * The composition root: builds every cache and service the server answers with from the
 * opened configuration, store, keyring, logger and clock, and wires each cache to what
 * invalidates it. One call per server; the caches are per process.
 */
export function composeServices(deps: AppDeps): AppServices {
  const { config, store, secrets, logger, now } = deps;
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
  // Bearer store checks are remembered for 2 s (R-3 allows 5 s); revocations here clear them.
  const accessTokenChecks = new AccessTokenCheckCache<AccessTokenCheckOutcome>({ now });
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
    revocations: { tokensRevoked: () => accessTokenChecks.forgetAll() },
    now,
    clientCache: new OAuthClientCache(),
    policy: {
      authorizationCodeLifetimeSeconds: config.oauth.authorizationCodeLifetimeSeconds,
      refreshTokenLifetimeSeconds: config.oauth.refreshTokenLifetimeSeconds,
      refreshReuseIntervalSeconds: config.oauth.refreshReuseIntervalSeconds,
    },
  };
  // Legacy JWTs (L-1..L-4): same keys and audience as access tokens, their own `typ`.
  const legacy: LegacyDeps = {
    store,
    tokens: { keys, issuer: config.issuer, now, verifiedTokens },
    audience: config.oauth.audience,
    credentialStamps,
    tokenLifetimeSeconds: config.legacy.tokenLifetimeSeconds,
    refreshIdleSeconds: config.legacy.refreshIdleSeconds,
  };
  return {
    ...deps,
    keys,
    grants,
    legacy,
    authentication: {
      wsse,
      tokens,
      credentialStamps,
      accessTokenChecks,
      legacy,
    },
    authorizePages: {
      store,
      sealer: secrets,
      now,
      codeLifetimeSeconds: config.oauth.authorizationCodeLifetimeSeconds,
      sessionLifetimeSeconds: config.oauth.sessionLifetimeSeconds,
      secureCookies: config.issuer.startsWith('https:'),
      issuer: config.issuer,
    },
  };
}
