import type { Store } from '../../store/port.js';

/** Seals and opens secrets with the master keyring (W-9). */
export interface SecretBox {
  seal(plaintext: string, associatedData: string): string;
  open(sealed: string, associatedData: string): string;
}

/** What admin operations need: the store, the keyring and the clock. */
export interface AdminDeps {
  readonly store: Store;
  readonly secrets: SecretBox;
  /** Epoch milliseconds. */
  readonly now: () => number;
}

/** The clock in unix seconds, as the store keeps time. */
export function nowSeconds(deps: Pick<AdminDeps, 'now'>): number {
  return Math.floor(deps.now() / 1000);
}
