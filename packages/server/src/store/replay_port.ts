/**
 * The replay port: what keygate may keep outside its database (S-2), the WSSE replay store
 * and the rate-limit counters. The database adapters implement it as part of the whole
 * storage port (`Store`); the Redis adapter implements only this. Every adapter passes one
 * conformance suite (`test/store/replay_conformance.ts`).
 *
 * Times are unix seconds (integers), judged by the caller's clock (`now`), never the backend's.
 */

/** The replay store (W-6). */
export interface NonceStore {
  /**
   * Records `key` as used for `ttlSeconds` from `now` (a negative ttl means forever).
   * Returns true exactly once per live key, as one atomic operation: concurrent callers with
   * the same key get exactly one true. A key whose record has expired may be consumed again.
   * Resolves true only once the record is durably committed (S-5: it survives the process
   * being killed right after), so an adapter may batch concurrent calls into one transaction
   * as long as it resolves none of them before that transaction commits.
   */
  consume(key: string, ttlSeconds: number, now: number): Promise<boolean>;
  /** Forgets every nonce (`keygate wsse nonces delete`); returns how many were dropped. */
  deleteAll(): Promise<number>;
  /**
   * Drops expired records; returns how many. An adapter whose records expire by themselves
   * may answer 0.
   */
  purgeExpired(now: number): Promise<number>;
}

/** A rate-limit counter's state after an increment: hits in the window and its end. */
export interface CounterValue {
  readonly count: number;
  /** Unix seconds at which the window ends and the counter starts again from 1. */
  readonly expiresAt: number;
}

/** Rate-limit counters, fixed windows. */
export interface CounterStore {
  /**
   * Adds one to `key`'s counter as one atomic operation and returns the new state. A counter
   * that does not exist or whose window has ended (`expiresAt <= now`) starts again at 1 with a
   * window ending at `now + ttlSeconds` (`ttlSeconds` ≥ 1); later increments never move that
   * end, and a counter never exists without one. Concurrent callers get distinct counts.
   */
  increment(key: string, ttlSeconds: number, now: number): Promise<CounterValue>;
  /**
   * Deletes the counters whose window has ended (`expiresAt <= now`); returns how many. A
   * later increment of such a key starts at 1 either way. An adapter whose counters expire by
   * themselves may answer 0.
   */
  purgeExpired(now: number): Promise<number>;
}

/** The replay port: the replay store and the rate-limit counters, kept together (S-2). */
export interface ReplayPort {
  readonly nonces: NonceStore;
  readonly counters: CounterStore;
}
