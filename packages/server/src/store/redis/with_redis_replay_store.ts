import type { Store } from '../port.js';
import type { RedisReplayStore } from './open_redis_replay_store.js';

/**
 * The store keygate runs on when Redis is configured (S-2): nonces and rate-limit counters
 * from Redis, everything else from the database. `ping` answers only when both do, so
 * `/readyz` turns false when either is down (S-4); `close` closes both.
 * @param database - the opened database store; owned by the result from now on.
 * @param redis - the opened Redis replay store; owned by the result from now on.
 */
export function withRedisReplayStore(database: Store, redis: RedisReplayStore): Store {
  return {
    ...database,
    nonces: redis.nonces,
    counters: redis.counters,
    async ping() {
      await Promise.all([database.ping(), redis.ping()]);
    },
    async close() {
      const results = await Promise.allSettled([redis.close(), database.close()]);
      for (const result of results) if (result.status === 'rejected') throw result.reason;
    },
  };
}
