import type { Store } from '../../store/port.js';
import type { CredentialStamps } from '../tokens/credential_stamps.js';
import type { TokenDeps } from '../tokens/token_deps.js';

/** What the legacy JWT operations need (L-1..L-4). */
export interface LegacyDeps {
  readonly store: Store;
  /** keygate's signing keys, issuer and clock: legacy JWTs are signed like access tokens. */
  readonly tokens: TokenDeps;
  /** `aud` of legacy JWTs and what the `X-Auth-Token` check expects (keygate's `/api/*`). */
  readonly audience: string;
  /** The API credentials' current stamps: what JWTs made from WSSE carry and are checked against (R-3). */
  readonly credentialStamps: CredentialStamps;
  /** Lifetime of a legacy JWT in seconds (configuration `legacy.tokenLifetimeSeconds`). */
  readonly tokenLifetimeSeconds: number;
  /**
   * A refresh token from which no JWT was made for this long is dead (L-3, sliding; default
   * 30 days, configuration `legacy.refreshIdleSeconds`).
   */
  readonly refreshIdleSeconds: number;
}
