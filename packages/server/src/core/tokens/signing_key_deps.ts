import type { SigningKeyRepository } from '../../store/port.js';

/** Seals and opens private keys with the master keyring (W-9 scheme, O-11). */
export interface KeySealer {
  seal(plaintext: string, associatedData: string): string;
  open(sealed: string, associatedData: string): string;
}

/** What the signing-key operations need: the key table, the keyring and the clock. */
export interface SigningKeyDeps {
  readonly store: { readonly signingKeys: SigningKeyRepository };
  readonly secrets: KeySealer;
  /** Epoch milliseconds. */
  readonly now: () => number;
}

/** The clock in unix seconds, as the store keeps time. */
export function keyNowSeconds(deps: Pick<SigningKeyDeps, 'now'>): number {
  return Math.floor(deps.now() / 1000);
}
