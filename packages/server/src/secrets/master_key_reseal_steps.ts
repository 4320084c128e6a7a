import type { Store } from '../store/port.js';

/**
 * The part of the store that master key rotation touches: API credential secrets (W-9) and
 * OAuth signing keys' private parts (O-11). When another table holds sealed secrets, widen
 * this `Pick` and add a step below.
 */
export type ResealableStore = Pick<Store, 'credentials' | 'signingKeys'>;

/**
 * Opens `sealed` with whichever loaded key sealed it and returns it sealed under the primary
 * key, with the same associated data.
 */
export type ResealSecret = (sealed: string, associatedData: string) => string;

/** One holder of sealed secrets that master key rotation re-seals in one all-or-nothing call. */
export interface MasterKeyResealStep {
  /** Short snake_case name used in results and messages, e.g. `credentials`, `signing_keys`. */
  readonly name: string;
  /** Re-seals every sealed value the step owns; resolves to the number of rows rewritten. */
  run(store: ResealableStore, reseal: ResealSecret): Promise<number>;
}

/**
 * Everything sealed under the master key, re-sealed in this order by `rotateMasterKey`.
 * Each entry must pass the same associated data that sealing used (W-9: the row's id; for a
 * signing key, its kid).
 */
export const MASTER_KEY_RESEAL_STEPS: readonly MasterKeyResealStep[] = Object.freeze([
  {
    name: 'credentials',
    run: (store, reseal) =>
      store.credentials.resealAll((record) => reseal(record.secretCiphertext, record.id)),
  },
  {
    name: 'signing_keys',
    run: (store, reseal) =>
      store.signingKeys.resealAll((record) => reseal(record.privateJwkSealed, record.kid)),
  },
]);
