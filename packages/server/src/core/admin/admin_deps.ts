import type { Store } from '../../store/port.js';
import type { Sealer } from '../sealer.js';

/** What admin operations need: the store, the keyring and the clock. */
export interface AdminDeps {
  readonly store: Store;
  readonly secrets: Sealer;
  /** Epoch milliseconds. */
  readonly now: () => number;
}
