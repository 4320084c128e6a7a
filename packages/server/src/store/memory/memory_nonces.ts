import { checkUnixSeconds } from '../check_port_input.js';
import type { NonceStore } from '../replay_port.js';
import { assertOpen, type MemoryTables } from './memory_tables.js';

/**
 * The replay store in memory. `consume` checks and records in one synchronous step, so
 * concurrent callers in this process get exactly one true; a record with expiry `e` is live
 * while `now < e` (the SQL adapters' rule), and a negative ttl keeps it forever.
 * @param tables - the store's shared state.
 */
export function createMemoryNonces(tables: MemoryTables): NonceStore {
  const { nonces } = tables;

  return {
    async consume(key, ttlSeconds, now) {
      assertOpen(tables);
      checkUnixSeconds(ttlSeconds, 'ttlSeconds');
      checkUnixSeconds(now, 'now');
      const expiresAt = nonces.get(key);
      if (expiresAt === null || (expiresAt !== undefined && expiresAt > now)) return false;
      nonces.set(key, ttlSeconds < 0 ? null : now + ttlSeconds);
      return true;
    },
    async deleteAll() {
      assertOpen(tables);
      const dropped = nonces.size;
      nonces.clear();
      return dropped;
    },
    async purgeExpired(now) {
      assertOpen(tables);
      checkUnixSeconds(now, 'now');
      let dropped = 0;
      for (const [key, expiresAt] of nonces) {
        if (expiresAt !== null && expiresAt <= now) {
          nonces.delete(key);
          dropped += 1;
        }
      }
      return dropped;
    },
  };
}
