import type { Logger } from 'pino';
import type { AdminDeps } from '../core/admin/admin_deps.js';
import type { KeygateConfig } from '../core/config/keygate_config.js';
import { loadMasterKeys } from '../secrets/load_master_keys.js';
import type { MasterKeyring } from '../secrets/master_keyring.js';
import type { Store } from '../store/port.js';
import { attachRedis } from './attach_redis.js';
import { createLogger } from './create_logger.js';
import { logPostgresListenerEvents } from './log_postgres_listener_events.js';
import { openStore } from './open_store.js';

/** An opened keygate: configuration, store, keyring, logger and clock. */
export interface Runtime extends AdminDeps {
  readonly config: KeygateConfig;
  readonly store: Store;
  readonly secrets: MasterKeyring;
  readonly logger: Logger;
  readonly masterKeySource: 'env' | 'file';
  /** What the stores found unsafe but usable at open, one line each, for `keygate serve` to log. */
  readonly storeWarnings: readonly string[];
  close(): Promise<void>;
}

/**
 * Opens the store and the master keyring for a command or the server. Store outages are logged
 * on PostgreSQL the change listener starts with the first authentication, which only
 * `keygate serve` performs, so other commands never log its losses.
 */
export async function openRuntime(
  config: KeygateConfig,
  options: { env: NodeJS.ProcessEnv; logger?: Logger; now?: () => number },
): Promise<Runtime> {
  const keys = await loadMasterKeys({
    env: options.env.KEYGATE_MASTER_KEY,
    dataDir: config.dataDir,
  });
  const logger = options.logger ?? createLogger(config.logLevel);
  const opened = await openStore(config, logPostgresListenerEvents(logger));
  const { store, warnings } = await attachRedis(config, opened, logger);
  return {
    config,
    store,
    secrets: keys.keyring,
    logger,
    masterKeySource: keys.source,
    storeWarnings: warnings,
    now: options.now ?? Date.now,
    close: () => store.close(),
  };
}
