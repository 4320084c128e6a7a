/**
 * Remembers values read from the store for as long as the store's `dataVersion` says nothing
 * they depend on has changed (see `Store.dataVersion`): entries are served only while the
 * caller presents the version they were loaded at, and the first lookup that presents another
 * version drops every entry. A row changed by this process, by another connection or by the
 * `keygate` CLI in another process is therefore re-read on the next request.
 *
 * Bounded to `maxEntries` keys, least recently used evicted first. Values live in a private
 * field, so they never show up in logs, `util.inspect` or JSON. Callers decide what is worth
 * caching: lookups that found nothing should not be stored, so that random keys cannot evict
 * real ones.
 */
export class StoreVersionCache<V> {
  readonly #maxEntries: number;
  readonly #entries = new Map<string, V>();
  #version: string | number | undefined;

  /** @param maxEntries - how many keys to keep (≥ 1). */
  constructor(maxEntries: number) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new TypeError('maxEntries must be a whole number ≥ 1');
    }
    this.#maxEntries = maxEntries;
  }

  /** How many keys are cached (for tests). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The value cached for `key`, or undefined. Seeing a `version` other than the one the
   * entries were loaded at empties the cache first.
   * @param version - the store's current `dataVersion()`.
   * @param key - what was looked up.
   */
  get(version: string | number, key: string): V | undefined {
    if (version !== this.#version) {
      this.#entries.clear();
      this.#version = version;
      return undefined;
    }
    const found = this.#entries.get(key);
    if (found !== undefined) {
      // Least recently used goes first when full: move this one to the back.
      this.#entries.delete(key);
      this.#entries.set(key, found);
    }
    return found;
  }

  /**
   * Stores a value loaded after reading `version` from the store; ignored when the cache has
   * seen another version since (what was loaded may already be stale).
   * @param version - the `dataVersion()` read before loading.
   * @param key - what was looked up.
   * @param value - what was loaded.
   */
  set(version: string | number, key: string, value: V): void {
    if (version !== this.#version) return;
    if (this.#entries.size >= this.#maxEntries && !this.#entries.has(key)) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, value);
  }
}
