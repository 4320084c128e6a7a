import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRedisReplayStore } from '../../src/store/redis/open_redis_replay_store.js';
import { requireSharedRedis, SHARED_REDIS_URL, uniqueKeyPrefix } from '../support/redis_server.js';
import { describeReplayStoreConformance } from './replay_conformance.js';

/**
 * S-3: the replay store and rate-limit counters on Redis pass the same conformance cases as
 * SQLite and PostgreSQL, against the machine's Redis, each case under its own key
 * prefix so parallel test files never collide. Skips loudly without Redis; fails instead when
 * KEYGATE_REQUIRE_SERVICES=1.
 */
const available = await requireSharedRedis();

let admin: Redis;
beforeAll(() => {
  if (available) admin = new Redis(SHARED_REDIS_URL);
});
afterAll(async () => {
  if (available) await admin.quit();
});

/** Every key under `prefix`, so a case can check what it left behind and remove it. */
async function keysUnder(prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

describe.runIf(available)('redis', () => {
  describeReplayStoreConformance(
    'redis',
    async () => {
      const prefix = uniqueKeyPrefix('conformance');
      const stores = await openRedisReplayStore({ url: SHARED_REDIS_URL, keyPrefix: prefix });
      return {
        stores,
        async cleanup() {
          await stores.close();
          const keys = await keysUnder(prefix);
          if (keys.length > 0) await admin.unlink(...keys);
        },
      };
    },
    { expiresByItself: true },
  );

  describe('redis specifics', () => {
    it('nonce records carry the ttl as a Redis expiry; negative ttl means no expiry (W-6)', async () => {
      const prefix = uniqueKeyPrefix('ttl');
      const store = await openRedisReplayStore({ url: SHARED_REDIS_URL, keyPrefix: prefix });
      try {
        const now = Math.floor(Date.now() / 1000);
        expect(await store.nonces.consume('a'.repeat(64), 300, now)).toBe(true);
        expect(await store.nonces.consume('b'.repeat(64), -1, now)).toBe(true);
        const limited = await admin.ttl(`${prefix}nonce:${'a'.repeat(64)}`);
        expect(limited).toBeGreaterThan(0);
        expect(limited).toBeLessThanOrEqual(300);
        expect(await admin.ttl(`${prefix}nonce:${'b'.repeat(64)}`)).toBe(-1);
        expect(await store.nonces.deleteAll()).toBe(2);
      } finally {
        await store.close();
      }
    });

    it('a ttl beyond what Redis can expire still records the nonce', async () => {
      const prefix = uniqueKeyPrefix('huge-ttl');
      const store = await openRedisReplayStore({ url: SHARED_REDIS_URL, keyPrefix: prefix });
      try {
        const now = Math.floor(Date.now() / 1000);
        const huge = Number.MAX_SAFE_INTEGER - now;
        expect(await store.nonces.consume('n1', huge, now)).toBe(true);
        expect(await store.nonces.consume('n1', huge, now + 100 * 365 * 24 * 3600)).toBe(false);
        expect(await admin.ttl(`${prefix}nonce:n1`)).toBeGreaterThan(0);
        expect(await store.nonces.deleteAll()).toBe(1);
      } finally {
        await store.close();
      }
    });

    it('a counter always has an expiry, also after its window restarts (X-1)', async () => {
      const prefix = uniqueKeyPrefix('counter-ttl');
      const store = await openRedisReplayStore({ url: SHARED_REDIS_URL, keyPrefix: prefix });
      try {
        const now = Math.floor(Date.now() / 1000);
        await store.counters.increment('ip:127.0.0.1', 60, now);
        await store.counters.increment('ip:127.0.0.1', 60, now + 1);
        await store.counters.increment('ip:127.0.0.1', 60, now + 60);
        const ttl = await admin.ttl(`${prefix}counter:ip:127.0.0.1`);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60);
      } finally {
        await store.close();
        const keys = await keysUnder(prefix);
        if (keys.length > 0) await admin.unlink(...keys);
      }
    });

    it('deleteAll removes only its own nonce keys, never other keys in the database', async () => {
      const prefix = uniqueKeyPrefix('delete');
      const other = uniqueKeyPrefix('other');
      const store = await openRedisReplayStore({ url: SHARED_REDIS_URL, keyPrefix: prefix });
      const neighbour = await openRedisReplayStore({ url: SHARED_REDIS_URL, keyPrefix: other });
      try {
        const now = Math.floor(Date.now() / 1000);
        await store.nonces.consume('n1', 60, now);
        await store.counters.increment('c1', 60, now);
        await neighbour.nonces.consume('n1', 60, now);
        await admin.set(`${prefix}unrelated`, 'x', 'EX', 60);
        expect(await store.nonces.deleteAll()).toBe(1);
        expect(await neighbour.nonces.consume('n1', 60, now)).toBe(false);
        expect(await store.counters.increment('c1', 60, now)).toMatchObject({ count: 2 });
        expect(await admin.get(`${prefix}unrelated`)).toBe('x');
      } finally {
        await store.close();
        await neighbour.close();
        for (const p of [prefix, other]) {
          const keys = await keysUnder(p);
          if (keys.length > 0) await admin.unlink(...keys);
        }
      }
    });

    it('a key prefix with glob characters matches only itself in deleteAll', async () => {
      const base = uniqueKeyPrefix('glob');
      const store = await openRedisReplayStore({ url: SHARED_REDIS_URL, keyPrefix: `${base}*` });
      const lookalike = await openRedisReplayStore({
        url: SHARED_REDIS_URL,
        keyPrefix: `${base}x`,
      });
      try {
        const now = Math.floor(Date.now() / 1000);
        await store.nonces.consume('n1', 60, now);
        await lookalike.nonces.consume('n1', 60, now);
        expect(await store.nonces.deleteAll()).toBe(1);
        expect(await lookalike.nonces.consume('n1', 60, now)).toBe(false);
      } finally {
        await store.close();
        await lookalike.close();
        const keys = await keysUnder(base);
        if (keys.length > 0) await admin.unlink(...keys);
      }
    });
  });
});
