import type { LegacyDeps } from '../core/legacy/legacy_deps.js';
import type { GrantDeps } from '../core/oauth/grant_deps.js';
import type { SigningKeyCache } from '../core/signing_keys/signing_key_cache.js';
import type { AuthenticationDeps } from './api/authenticate_request.js';
import type { AppDeps } from './app_deps.js';
import type { AuthorizeRouteDeps } from './oauth/authorize_routes.js';

/**
 * The services the routes answer with, built once by the composition root
 * (`runtime/compose_services.ts`): the HTTP layer translates requests into calls on these and
 * constructs none of them.
 */
export interface AppServices extends AppDeps {
  /** The signing keys: the JWKS the discovery routes publish. */
  readonly keys: Pick<SigningKeyCache, 'jwks'>;
  /** The token endpoint, introspection and revocation. */
  readonly grants: GrantDeps;
  /** The legacy JWT endpoints (L-1..L-4). */
  readonly legacy: LegacyDeps;
  /** The `/api/*` authentication hook (R-1). */
  readonly authentication: AuthenticationDeps;
  /** The sign-in and consent pages. */
  readonly authorizePages: AuthorizeRouteDeps;
}
