/** Longest window R-3 allows: revocation and disablement must take effect within 5 s. */
const MAX_ACCESS_TOKEN_CHECK_WINDOW_MS = 5_000;

/** Default window: well inside R-3's 5 s. */
export const DEFAULT_ACCESS_TOKEN_CHECK_WINDOW_MS = 2_000;

/** Default bound on remembered tokens. */
const DEFAULT_ACCESS_TOKEN_CHECK_ENTRIES = 10_000;

/** Settings of an {@link AccessTokenCheckCache}. */
export interface AccessTokenCheckCacheOptions {
  /** Epoch milliseconds; the injected clock, so tests can step past the window. */
  readonly now: () => number;
  /**
   * How long an outcome is served after it was read from the store, in milliseconds: at most
   * {@link MAX_ACCESS_TOKEN_CHECK_WINDOW_MS}; 0 turns the cache off. Default
   * {@link DEFAULT_ACCESS_TOKEN_CHECK_WINDOW_MS}.
   */
  readonly windowMs?: number;
  /** Most tokens remembered; the oldest is dropped first. Default 10000. */
  readonly maxEntries?: number;
}

interface Entry<T> {
  readonly outcome: T;
  readonly validUntil: number;
}

/**
 * Remembers, per access token (`jti`), the outcome of the store checks made after its
 * signature (R-3: not revoked, family not revoked, user, organization and membership active),
 * for a short window measured on the injected clock, so a client presenting the same token on
 * every request costs no store reads within the window. This is what R-3 permits: a
 * revocation or a disablement made anywhere (another process, the CLI, another keygate
 * instance) is seen at most `windowMs` later, and the window cannot be set above 5 s.
 * Revocations made through this process call {@link forgetAll}, so they take effect on the
 * next request.
 *
 * Only tokens whose signature and claims verified are looked up or remembered, so forged
 * input cannot fill it; it is bounded (oldest first out). It holds outcomes (ids and names),
 * never tokens.
 */
export class AccessTokenCheckCache<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #now: () => number;
  readonly #windowMs: number;
  readonly #maxEntries: number;
  #generation = 0;

  /** @throws TypeError when the window is negative or above 5 s, or the bound is invalid. */
  constructor(options: AccessTokenCheckCacheOptions) {
    const {
      now,
      windowMs = DEFAULT_ACCESS_TOKEN_CHECK_WINDOW_MS,
      maxEntries = DEFAULT_ACCESS_TOKEN_CHECK_ENTRIES,
    } = options;
    if (!Number.isFinite(windowMs) || windowMs < 0 || windowMs > MAX_ACCESS_TOKEN_CHECK_WINDOW_MS) {
      throw new TypeError(
        `windowMs must be from 0 to ${MAX_ACCESS_TOKEN_CHECK_WINDOW_MS} (R-3 allows 5 s)`,
      );
    }
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new TypeError('maxEntries must be a whole number ≥ 1');
    }
    this.#now = now;
    this.#windowMs = windowMs;
    this.#maxEntries = maxEntries;
  }

  /** How many tokens are remembered (expired entries included until they are looked up). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Changes with every {@link forgetAll}. Read it before the store checks and pass it to
   * {@link remember}, so an outcome read before a revocation is not stored after it.
   */
  get generation(): number {
    return this.#generation;
  }

  /** The outcome remembered for `jti` within the window, if any. */
  get(jti: string): T | undefined {
    const entry = this.#entries.get(jti);
    if (entry === undefined) return undefined;
    if (this.#now() >= entry.validUntil) {
      this.#entries.delete(jti);
      return undefined;
    }
    return entry.outcome;
  }

  /**
   * Remembers the outcome of the checks of `jti`, read from the store after
   * {@link generation} was `generation`; ignored when something was revoked through this
   * process since, or when the cache is off.
   */
  remember(jti: string, outcome: T, generation: number): void {
    if (this.#windowMs === 0 || generation !== this.#generation) return;
    if (this.#entries.size >= this.#maxEntries && !this.#entries.has(jti)) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.delete(jti);
    this.#entries.set(jti, { outcome, validUntil: this.#now() + this.#windowMs });
  }

  /** Drops every outcome: call after revoking anything, so it takes effect at once. */
  forgetAll(): void {
    this.#generation++;
    this.#entries.clear();
  }
}
