import { unixSeconds } from '../clock.js';
import { type KeyRetentionOptions, keyRetentionSeconds } from './key_retention.js';
import type { SigningKeyDeps } from './signing_key_deps.js';

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
