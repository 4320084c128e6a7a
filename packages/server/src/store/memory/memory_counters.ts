import { checkCounterTtl, checkUnixSeconds } from '../check_port_input.js';
import type { CounterStore, CounterValue } from '../replay_port.js';
import { assertOpen, type MemoryTables } from './memory_tables.js';

/**
 * Rate-limit counters in memory (X-1). Each increment reads and writes in one synchronous
 * step, so concurrent callers in this process get distinct counts; a window with end `e` is
 * live while `now < e` (the SQL and Redis adapters' rule).
 * @param tables - the store's shared state (only its open flag is used).
 */
export function createMemoryCounters(tables: MemoryTables): CounterStore {
  const counters = new Map<string, CounterValue>();
  return {
    async increment(key, ttlSeconds, now) {
      assertOpen(tables);
      checkCounterTtl(ttlSeconds);
      checkUnixSeconds(now, 'now');
      const current = counters.get(key);
      const next =
        current === undefined || current.expiresAt <= now
          ? { count: 1, expiresAt: now + ttlSeconds }
          : { count: current.count + 1, expiresAt: current.expiresAt };
      counters.set(key, next);
      return { ...next };
    },
    async purgeExpired(now) {
      assertOpen(tables);
      checkUnixSeconds(now, 'now');
      let purged = 0;
      for (const [key, value] of counters) {
        if (value.expiresAt <= now) {
          counters.delete(key);
          purged += 1;
        }
      }
      return purged;
    },
  };
}
