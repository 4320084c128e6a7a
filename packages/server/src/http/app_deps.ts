import type { Logger } from 'pino';
import type { KeygateConfig } from '../core/config/keygate_config.js';
import type { SecretOpener } from '../core/wsse/verify_username_token.js';
import type { Store } from '../store/port.js';

/** Everything the HTTP layer needs, injected so tests can swap the clock or the store. */
export interface AppDeps {
  readonly config: KeygateConfig;
  readonly store: Store;
  readonly secrets: SecretOpener;
  readonly logger: Logger;
  /** Epoch milliseconds. */
  readonly now: () => number;
}
