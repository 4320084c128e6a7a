import type { Logger } from 'pino';
import type { KeygateConfig } from '../core/config/keygate_config.js';
import { ConfigError } from '../core/config/validate_config.js';
import type { Store } from '../store/port.js';
import { openRedisReplayStore } from '../store/redis/open_redis_replay_store.js';
import { RedisEvictionPolicyError } from '../store/redis/redis_eviction_policy_error.js';
import { withRedisReplayStore } from '../store/redis/with_redis_replay_store.js';

/**
 * When `redisUrl` is set (S-2), moves the store's nonces and rate-limit counters to Redis and
 * returns the combined store; otherwise returns `store` unchanged. Refuses to start (a
 * `ConfigError` naming `redisUrl`, one line) when the server may evict keys (S-4), and with
 * `StoreUnavailableError` when it cannot be reached; either way `store` is closed first.
 * Connection losses and recoveries are logged once each, never with the URL's password.
 * `warnings` holds what an operator should fix but keygate can run with (for `keygate serve`
 * to log at start): a Redis without an append-only file forgets consumed nonces when it
 * restarts (S-5).
 * @param config - the validated configuration.
 * @param store - the opened database store.
 * @param logger - where outages and recoveries are reported.
 */
export async function attachRedis(
  config: KeygateConfig,
  store: Store,
  logger: Logger,
): Promise<{ store: Store; warnings: string[] }> {
  if (config.redisUrl === null) return { store, warnings: [] };
  try {
    const redis = await openRedisReplayStore({
      url: config.redisUrl,
      onEvent(event) {
        if (event.type === 'down') {
          logger.error(
            { event: 'redis.unavailable', err: event.message },
            'Redis unreachable: WSSE authentication answers 503 until it is back',
          );
        } else if (event.type === 'up') {
          logger.info({ event: 'redis.available' }, 'Redis is back');
        } else {
          logger.error({ event: 'redis.unsafe_policy' }, event.error.message);
        }
      },
    });
    const warnings = redis.appendOnly
      ? []
      : [
          `Redis at ${redis.address} keeps no append-only file: a Redis restart forgets consumed nonces, so a WSSE header seen before it could be replayed within its lifetime (S-5); set appendonly yes`,
        ];
    return { store: withRedisReplayStore(store, redis), warnings };
  } catch (error) {
    await store.close();
    if (error instanceof RedisEvictionPolicyError) {
      throw new ConfigError([{ path: 'redisUrl', message: error.message }]);
    }
    throw error;
  }
}
