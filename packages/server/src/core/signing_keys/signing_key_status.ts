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

/** The fields that order signing keys. */
export interface RankedKey {
  readonly kid: string;
  readonly createdAt: number;
  readonly activatesAt: number;
}

/**
 * Orders signing keys from the one that signs least recently to the one that signs last:
 * by `activatesAt`, then `createdAt`, then `kid`. A total order, so every process picks the
 * same signer from the same rows, even two keys created in the same second by a start-up
 * race. A negative result means `a` ranks below `b`.
 */
export function compareSigningKeys(a: RankedKey, b: RankedKey): number {
  if (a.activatesAt !== b.activatesAt) return a.activatesAt - b.activatesAt;
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0;
}

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
