import { compareSigningKeys, type RankedKey } from './compare_signing_keys.js';

/**
 * The key that signs at `nowSeconds`: the highest-ranked key (see
 * {@link compareSigningKeys}) whose `activatesAt` has come. Null when none has. Every other
 * key that has activated is retired from that moment, whatever its `retiredAt` says.
 */
export function pickSigningKey<K extends RankedKey>(
  keys: readonly K[],
  nowSeconds: number,
): K | null {
  let best: K | null = null;
  for (const key of keys) {
    if (key.activatesAt > nowSeconds) continue;
    if (best === null || compareSigningKeys(key, best) > 0) best = key;
  }
  return best;
}
