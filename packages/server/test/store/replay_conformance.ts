import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/port.js';
import { StoreUnavailableError } from '../../src/store/port.js';

/** The part of the port a replay-store adapter implements (Redis implements only this). */
export type ReplayStores = Pick<Store, 'nonces' | 'counters' | 'ping' | 'close'>;

/** Replay stores under test and how to dispose of them. */
export interface ReplayStoresUnderTest {
  readonly stores: ReplayStores;
  /** Called after every test; must tolerate stores the test already closed. */
  readonly cleanup: () => Promise<void>;
}

/** How an adapter's records expire. */
export interface ReplayConformanceOptions {
  /**
   * True when the backend drops expired records by itself (Redis): `purgeExpired` then always
   * answers 0 and a logically expired record may still be counted by `deleteAll` until the
   * backend's own clock drops it.
   */
  readonly expiresByItself: boolean;
}

/**
 * Realistic unix seconds, so adapters that hand expiry to a server clock see sensible times;
 * every test still passes `now` explicitly and never sleeps.
 */
const T0 = Math.floor(Date.now() / 1000);
const YEAR = 365 * 24 * 3600;

/** Resolves to what `promise` rejected with; fails the test if it fulfilled. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the operation to reject'),
    (error: unknown) => error,
  );
}

/**
 * The replay store (W-6) and rate-limit counter part of the storage conformance suite
 * (S-3), with their concurrency cases. `describeStoreConformance` runs it for whole stores;
 * the Redis adapter, which implements only this part, runs it on its own.
 * @param name - the adapter's name, shown in test titles.
 * @param factory - opens fresh, empty stores for each test.
 * @param options - how the adapter's records expire.
 */
export function describeReplayStoreConformance(
  name: string,
  factory: () => Promise<ReplayStoresUnderTest>,
  options: ReplayConformanceOptions,
): void {
  describe(`replay store conformance: ${name}`, () => {
    let store: ReplayStores;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ stores: store, cleanup } = await factory());
    });

    afterEach(async () => {
      await cleanup();
    });

    describe('nonces', () => {
      it('consumes a key exactly once while its record lives', async () => {
        expect(await store.nonces.consume('n1', 60, T0)).toBe(true);
        expect(await store.nonces.consume('n1', 60, T0)).toBe(false);
        expect(await store.nonces.consume('n1', 60, T0 + 59)).toBe(false);
        expect(await store.nonces.consume('n2', 60, T0)).toBe(true);
      });

      it('lets an expired key be consumed again, with a fresh expiry', async () => {
        expect(await store.nonces.consume('n1', 60, T0)).toBe(true);
        // The record for ttl 60 from T0 ends at T0 + 60: from then on the key is free.
        expect(await store.nonces.consume('n1', 60, T0 + 60)).toBe(true);
        expect(await store.nonces.consume('n1', 60, T0 + 60)).toBe(false);
        expect(await store.nonces.consume('n1', 60, T0 + 119)).toBe(false);
        expect(await store.nonces.consume('n1', 60, T0 + 120)).toBe(true);
      });

      it('keeps a key with a negative ttl forever', async () => {
        expect(await store.nonces.consume('n1', -1, T0)).toBe(true);
        expect(await store.nonces.consume('n1', 60, T0 + 10 * YEAR)).toBe(false);
        expect(await store.nonces.purgeExpired(T0 + 10 * YEAR)).toBe(0);
        expect(await store.nonces.consume('n1', -1, T0 + 20 * YEAR)).toBe(false);
      });

      it('deletes every record and says how many', async () => {
        expect(await store.nonces.deleteAll()).toBe(0);
        await store.nonces.consume('n1', 60, T0);
        await store.nonces.consume('n2', -1, T0);
        await store.nonces.consume('n3', 1, T0);
        expect(await store.nonces.deleteAll()).toBe(3);
        expect(await store.nonces.consume('n1', 60, T0)).toBe(true);
        expect(await store.nonces.consume('n2', 60, T0)).toBe(true);
        expect(await store.nonces.deleteAll()).toBe(2);
      });

      it('purges only expired records and says how many', async () => {
        await store.nonces.consume('short', 10, T0);
        await store.nonces.consume('medium', 20, T0);
        await store.nonces.consume('long', 30, T0);
        await store.nonces.consume('forever', -1, T0);
        expect(await store.nonces.purgeExpired(T0 + 9)).toBe(0);
        expect(await store.nonces.purgeExpired(T0 + 20)).toBe(options.expiresByItself ? 0 : 2);
        expect(await store.nonces.purgeExpired(T0 + 20)).toBe(0);
        // Live and permanent records survive the purge and still refuse a replay.
        expect(await store.nonces.consume('long', 30, T0 + 20)).toBe(false);
        expect(await store.nonces.consume('forever', 30, T0 + 20)).toBe(false);
        // Expired ones are free again, whether or not a purge removed them.
        expect(await store.nonces.consume('short', 10, T0 + 20)).toBe(true);
        if (!options.expiresByItself) expect(await store.nonces.deleteAll()).toBe(3);
      });

      it('a ttl of 0 records nothing that outlives now', async () => {
        expect(await store.nonces.consume('n0', 0, T0)).toBe(true);
        expect(await store.nonces.consume('n0', 60, T0)).toBe(true);
        expect(await store.nonces.consume('n0', 60, T0)).toBe(false);
      });
    });

    describe('counters', () => {
      it('counts up within a window whose end never moves', async () => {
        expect(await store.counters.increment('c1', 60, T0)).toEqual({
          count: 1,
          expiresAt: T0 + 60,
        });
        expect(await store.counters.increment('c1', 60, T0 + 30)).toEqual({
          count: 2,
          expiresAt: T0 + 60,
        });
        expect(await store.counters.increment('c1', 3600, T0 + 59)).toEqual({
          count: 3,
          expiresAt: T0 + 60,
        });
        expect(await store.counters.increment('c2', 10, T0)).toEqual({
          count: 1,
          expiresAt: T0 + 10,
        });
      });

      it('starts again at 1 with a new window once the window has ended', async () => {
        await store.counters.increment('c1', 60, T0);
        await store.counters.increment('c1', 60, T0 + 1);
        expect(await store.counters.increment('c1', 60, T0 + 60)).toEqual({
          count: 1,
          expiresAt: T0 + 120,
        });
        expect(await store.counters.increment('c1', 60, T0 + 61)).toEqual({
          count: 2,
          expiresAt: T0 + 120,
        });
      });

      it('purges ended windows only; counting goes on as if nothing happened', async () => {
        await store.counters.increment('ended', 10, T0);
        await store.counters.increment('ended', 10, T0);
        await store.counters.increment('edge', 20, T0);
        await store.counters.increment('live', 60, T0);
        await store.counters.increment('live', 60, T0);
        expect(await store.counters.purgeExpired(T0 + 9)).toBe(0);
        expect(await store.counters.purgeExpired(T0 + 20)).toBe(options.expiresByItself ? 0 : 2);
        expect(await store.counters.purgeExpired(T0 + 20)).toBe(0);
        expect(await store.counters.increment('live', 60, T0 + 20)).toEqual({
          count: 3,
          expiresAt: T0 + 60,
        });
        expect(await store.counters.increment('ended', 10, T0 + 20)).toEqual({
          count: 1,
          expiresAt: T0 + 30,
        });
        expect(await rejectionOf(store.counters.purgeExpired(1.5))).toBeInstanceOf(TypeError);
      });

      it('a purge beside concurrent increments of a live counter loses no count', async () => {
        await store.counters.increment('busy', 60, T0);
        await store.counters.increment('done', 10, T0);
        const results = await Promise.all([
          ...Array.from({ length: 20 }, () => store.counters.increment('busy', 60, T0 + 30)),
          store.counters.purgeExpired(T0 + 30),
          store.counters.purgeExpired(T0 + 30),
        ]);
        const counts = results.slice(0, 20).map((r) => (r as { count: number }).count);
        expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
        const purged = (results[20] as number) + (results[21] as number);
        expect(purged).toBe(options.expiresByItself ? 0 : 1);
      });

      it('keeps counters and nonces apart', async () => {
        await store.counters.increment('shared', 60, T0);
        expect(await store.nonces.consume('shared', 60, T0)).toBe(true);
        expect(await store.counters.increment('shared', 60, T0)).toMatchObject({ count: 2 });
        expect(await store.nonces.deleteAll()).toBe(1);
        expect(await store.counters.increment('shared', 60, T0)).toMatchObject({ count: 3 });
      });

      it('rejects a ttl below 1 or a non-integer time with TypeError', async () => {
        expect(await rejectionOf(store.counters.increment('c1', 0, T0))).toBeInstanceOf(TypeError);
        expect(await rejectionOf(store.counters.increment('c1', 1.5, T0))).toBeInstanceOf(
          TypeError,
        );
        expect(await rejectionOf(store.counters.increment('c1', 60, Number.NaN))).toBeInstanceOf(
          TypeError,
        );
        expect(await store.counters.increment('c1', 60, T0)).toMatchObject({ count: 1 });
      });
    });

    describe('input checks', () => {
      it('rejects non-integer nonce times with TypeError and records nothing', async () => {
        expect(await rejectionOf(store.nonces.consume('n1', 0.5, T0))).toBeInstanceOf(TypeError);
        expect(await rejectionOf(store.nonces.consume('n1', 60, Number.NaN))).toBeInstanceOf(
          TypeError,
        );
        expect(await store.nonces.consume('n1', 60, T0)).toBe(true);
      });
    });

    describe('concurrency', () => {
      it('50 parallel consumes of one key: exactly one true', async () => {
        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.nonces.consume('contested', 60, T0)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.nonces.consume('contested', 60, T0)).toBe(false);
      });

      it('50 parallel consumes of one expired key: exactly one true', async () => {
        expect(await store.nonces.consume('contested', 60, T0)).toBe(true);
        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.nonces.consume('contested', 60, T0 + 60)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('50 parallel consumes of distinct keys: all true', async () => {
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.nonces.consume(`k${i}`, 60, T0)),
        );
        expect(results.every(Boolean)).toBe(true);
        expect(await store.nonces.deleteAll()).toBe(50);
      });

      it('50 parallel increments of one counter: counts 1 to 50, one window', async () => {
        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.counters.increment('contested', 60, T0)),
        );
        expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 50 }, (_, i) => i + 1),
        );
        expect(new Set(results.map((r) => r.expiresAt))).toEqual(new Set([T0 + 60]));
        expect(await store.counters.increment('contested', 60, T0)).toMatchObject({ count: 51 });
      });
    });

    describe('lifecycle', () => {
      it('pings while open', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it('after close, ping and operations reject with StoreUnavailableError', async () => {
        await store.close();
        const outcomes = await Promise.allSettled([
          store.ping(),
          store.nonces.consume('n1', 60, T0),
          store.nonces.deleteAll(),
          store.counters.increment('c1', 60, T0),
        ]);
        for (const outcome of outcomes) {
          expect(outcome.status).toBe('rejected');
          if (outcome.status === 'rejected') {
            expect(outcome.reason).toBeInstanceOf(StoreUnavailableError);
          }
        }
      });
    });
  });
}
