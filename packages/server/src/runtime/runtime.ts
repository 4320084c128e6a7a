import type { Logger } from 'pino';
import type { AdminDeps } from '../core/admin/admin_deps.js';
import type { KeygateConfig } from '../core/config/keygate_config.js';
import { checkMasterKeysOpen } from '../secrets/check_master_keys_open.js';
import { type LoadedMasterKeys, loadMasterKeys } from '../secrets/load_master_keys.js';
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
 * Opens the store and the master keyring for a command or the server, and checks that the
 * keys open the stored secrets (`checkMasterKeysOpen`). Only with `initialize` (`keygate
 * serve`) are a missing database and master key file created; otherwise their absence is a
 * one-line error (`NoKeygateDataError`, `MasterKeyError`) and nothing is written. Store
 * outages are logged; on PostgreSQL the change listener starts with the first
 * authentication, which only `keygate serve` performs, so other commands never log its losses.
 */
export async function openRuntime(
  config: KeygateConfig,
  options: {
    env: NodeJS.ProcessEnv;
    logger?: Logger;
    now?: () => number;
    initialize?: boolean;
  },
): Promise<Runtime> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const initialize = options.initialize === true;
  // The database first: in a directory without one, that is the error to report.
  const opened = await openStore(config, {
    initialize,
    onPostgresListenerEvent: logPostgresListenerEvents(logger),
  });
  let keys: LoadedMasterKeys;
  try {
    keys = await loadMasterKeys({
      env: options.env.KEYGATE_MASTER_KEY,
      dataDir: config.dataDir,
      create: initialize,
    });
    await checkMasterKeysOpen(opened, keys);
  } catch (error) {
    await opened.close();
    throw error;
  }
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
