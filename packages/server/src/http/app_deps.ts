import type { Logger } from 'pino';
import type { KeygateConfig } from '../core/config/keygate_config.js';
import type { Sealer } from '../core/sealer.js';
import type { Store } from '../store/port.js';

/** Everything the HTTP layer needs, injected so tests can swap the clock or the store. */
export interface AppDeps {
  readonly config: KeygateConfig;
  readonly store: Store;
  /** The master keyring: opens API secrets and signing keys, seals sessions (W-9). */
  readonly secrets: Sealer;
  readonly logger: Logger;
  /** Epoch milliseconds. */
  readonly now: () => number;
}
