import type { Store } from '../../store/port.js';
import type { Sealer } from '../sealer.js';
import type { CredentialStamps } from '../tokens/credential_stamps.js';
import type { WsseVerifierDeps } from '../wsse/verify_username_token.js';
import type { OAuthClientCache } from './authenticate_client.js';
import type { RevocationSignal } from './revocation_signal.js';
import type { TokenService } from './token_service.js';

/** Lifetimes and options of the token endpoint (O-5, O-9). */
export interface GrantPolicy {
  readonly authorizationCodeLifetimeSeconds: number;
  readonly refreshTokenLifetimeSeconds: number;
  /** Within this many seconds a consumed refresh token gets its successor's response again. */
  readonly refreshReuseIntervalSeconds: number;
}

/** What every grant needs. */
export interface GrantDeps {
  readonly store: Store;
  readonly tokens: TokenService;
  readonly sealer: Sealer;
  readonly policy: GrantPolicy;
  /** For the api_keys grant, which follows W-2..W-7 exactly (O-8). */
  readonly wsse: WsseVerifierDeps;
  /** The API credentials' current stamps: what api_keys tokens carry and are checked against (R-3). */
  readonly credentialStamps: CredentialStamps;
  /** Told of every revocation a grant or RFC 7009 stores. */
  readonly revocations: RevocationSignal;
  /** Epoch milliseconds. */
  readonly now: () => number;
  /** Clients already authenticated once, while the store is unchanged (see `OAuthClientCache`). */
  readonly clientCache?: OAuthClientCache;
}
