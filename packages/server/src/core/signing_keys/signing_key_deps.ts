import type { SigningKeyRepository } from '../../store/port.js';
import type { Sealer } from '../sealer.js';

/** What the signing-key operations need: the key table, the keyring and the clock. */
export interface SigningKeyDeps {
  readonly store: { readonly signingKeys: SigningKeyRepository };
  /** Seals and opens private keys (O-11). */
  readonly secrets: Sealer;
  /** Epoch milliseconds. */
  readonly now: () => number;
}
