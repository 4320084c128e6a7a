import type { Store } from '../../store/port.js';
import type { Sealer } from '../sealer.js';

/**
 * The old name of `Sealer`, kept only for http/app_deps.ts until it imports `Sealer`.
 * @deprecated Use `Sealer` from core/sealer.
 */
export type SecretBox = Sealer;

/** What admin operations need: the store, the keyring and the clock. */
export interface AdminDeps {
  readonly store: Store;
  readonly secrets: Sealer;
  /** Epoch milliseconds. */
  readonly now: () => number;
}
