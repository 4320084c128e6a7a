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
