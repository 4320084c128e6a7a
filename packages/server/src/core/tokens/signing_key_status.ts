import type { RankedKey } from './compare_signing_keys.js';
import { pickSigningKey } from './pick_signing_key.js';

/**
 * A signing key's state at a moment (O-11): `pending` while announced but not yet signing,
 * `active` for the one key that signs, `retired` once a newer key signs (still published
 * until its tokens have expired).
 */
export type SigningKeyStatus = 'pending' | 'active' | 'retired';

/** The status of `key` among `all` (which includes it) at `nowSeconds`. */
export function signingKeyStatus(
  key: RankedKey,
  all: readonly RankedKey[],
  nowSeconds: number,
): SigningKeyStatus {
  if (key.activatesAt > nowSeconds) return 'pending';
  return pickSigningKey(all, nowSeconds)?.kid === key.kid ? 'active' : 'retired';
}
