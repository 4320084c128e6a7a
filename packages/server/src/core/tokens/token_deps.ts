import type { SigningKeyCache } from '../signing_keys/signing_key_cache.js';
import type { VerifiedTokenCache } from './verified_token_cache.js';

/** What issuing and verifying tokens need (O-9, O-10). */
export interface TokenDeps {
  /** keygate's own keys; the only source of verification keys. */
  readonly keys: Pick<SigningKeyCache, 'signingKey' | 'verificationKey'>;
  /** `iss` of every token keygate signs (the configuration's `issuer`). */
  readonly issuer: string;
  /** Epoch milliseconds. */
  readonly now: () => number;
  /**
   * Remembers verified signatures so a token presented again skips ECDSA (recommended for the
   * Bearer check: one per process). Without it every call verifies the signature.
   */
  readonly verifiedTokens?: VerifiedTokenCache;
}
