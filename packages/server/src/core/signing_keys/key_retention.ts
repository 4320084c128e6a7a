import { unixSeconds } from '../clock.js';
import { TOKEN_DEFAULTS } from '../tokens/token_defaults.js';
import type { SigningKeyDeps } from './signing_key_deps.js';

/** Lifetimes of the tokens a key may have signed, which bound how long it stays published. */
export interface KeyRetentionOptions {
  /** Longest access token lifetime in use; default 3600. */
  readonly accessTokenLifetimeSeconds?: number;
  /** Refresh tokens are JWTs signed by the same keys; default 432000 (O-9). */
  readonly refreshTokenLifetimeSeconds?: number;
  /** Margin on top of the longest lifetime; default 3600 (see `TOKEN_DEFAULTS`). */
  readonly graceSeconds?: number;
}

/**
 * How long after its retirement a key must stay in the JWKS: every token it signed, access or
 * refresh, can be presented until it expires, and a process may have signed with it until
 * its next key reload, so the longest lifetime plus a grace margin.
 */
export function keyRetentionSeconds(options: KeyRetentionOptions = {}): number {
  const {
    accessTokenLifetimeSeconds = TOKEN_DEFAULTS.accessTokenLifetimeSeconds,
    refreshTokenLifetimeSeconds = TOKEN_DEFAULTS.refreshTokenLifetimeSeconds,
    graceSeconds = TOKEN_DEFAULTS.retiredKeyGraceSeconds,
  } = options;
  for (const [name, value] of Object.entries({
    accessTokenLifetimeSeconds,
    refreshTokenLifetimeSeconds,
    graceSeconds,
  })) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new TypeError(`${name} must be a non-negative integer`);
    }
  }
  return Math.max(accessTokenLifetimeSeconds, refreshTokenLifetimeSeconds) + graceSeconds;
}

/**
 * Deletes keys retired longer ago than {@link keyRetentionSeconds} (O-11: retired keys stay
 * published until every token they signed has expired). Returns how many were deleted.
 */
export async function pruneSigningKeys(
  deps: Pick<SigningKeyDeps, 'store' | 'now'>,
  options: KeyRetentionOptions = {},
): Promise<number> {
  const cutoff = unixSeconds(deps.now()) - keyRetentionSeconds(options);
  return deps.store.signingKeys.deleteRetiredBefore(cutoff);
}
