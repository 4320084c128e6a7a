import { type Store, type StoreDependency, StoreNotReadyError } from '../port.js';
import type { RedisReplayStore } from './open_redis_replay_store.js';

/**
 * The store keygate runs on when Redis is configured (S-2): nonces and rate-limit counters
 * from Redis, everything else from the database. `ping` answers only when both do, so
 * `/readyz` turns false when either is down (S-4), naming each that failed; `close` closes both.
 * @param database - the opened database store; owned by the result from now on.
 * @param redis - the opened Redis replay store; owned by the result from now on.
 */
export function withRedisReplayStore(database: Store, redis: RedisReplayStore): Store {
  return {
    ...database,
    nonces: redis.nonces,
    counters: redis.counters,
    async ping() {
      const [db, replay] = await Promise.allSettled([database.ping(), redis.ping()]);
      const failed: StoreDependency[] = [];
      if (db.status === 'rejected') failed.push('database');
      if (replay.status === 'rejected') failed.push('redis');
      if (failed.length > 0) {
        const first = db.status === 'rejected' ? db : (replay as PromiseRejectedResult);
        throw new StoreNotReadyError(failed, { cause: first.reason });
      }
    },
    async close() {
      const results = await Promise.allSettled([redis.close(), database.close()]);
      for (const result of results) if (result.status === 'rejected') throw result.reason;
    },
  };
}
