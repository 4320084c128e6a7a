import type { CredentialRecord } from '../../store/port.js';
import type { WsseFailure } from './wsse_failure.js';

/** Default bound on cached Usernames (each holds at most a few credentials and secrets). */
export const DEFAULT_CREDENTIAL_CACHE_ENTRIES = 10_000;

/** A principal or refusal decided by the still-active checks (last step of W-7). */
export type ActiveCheck<P> = { readonly ok: true; readonly principal: P } | WsseFailure;

/**
 * One candidate credential for a Username, with everything verification needs after the
 * lookup: the opened secret and the outcome of the still-active checks (credential status,
 * user, organization, membership), all read at one store version.
 */
export interface CachedCandidate<P> {
  readonly credential: CredentialRecord;
  /** The opened secret; null when the ciphertext does not open (it can never verify). */
  readonly secret: string | null;
  readonly active: ActiveCheck<P>;
}

/**
 * Remembers, per Username and lookup style, the candidates WSSE verification loaded, so a
 * known key costs no store reads and no AES-GCM open per request. Correctness rests on the
 * store's `dataVersion` (see `Store.dataVersion`): entries are only served while the store
 * returns the version they were loaded at; the first lookup that sees another version drops
 * every entry. A key disabled, reset or revoked by the CLI in another process, a user or
 * organization disabled, or a master-key rotation's re-seal is therefore seen on the next
 * request.
 *
 * Opened secrets live in this process's memory only as long as their entry: at most
 * `maxEntries` Usernames (least recently used evicted first), held in a private field, so the
 * cache never shows up in logs, `util.inspect` or JSON. Unknown Usernames are not cached, so
 * random Usernames cannot evict real ones.
 */
export class CredentialCache<P> {
  readonly #maxEntries: number;
  readonly #entries = new Map<string, readonly CachedCandidate<P>[]>();
  #version: string | number | undefined;

  /** @param maxEntries - how many Usernames to keep (≥ 1). */
  constructor(maxEntries = DEFAULT_CREDENTIAL_CACHE_ENTRIES) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new TypeError('maxEntries must be a whole number ≥ 1');
    }
    this.#maxEntries = maxEntries;
  }

  /** How many Usernames are cached (for tests). */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The candidates cached for `lookup`, or undefined. Seeing a `version` other than the one
   * the entries were loaded at empties the cache first.
   * @param version - the store's current `dataVersion()`.
   * @param lookup - the Username and style (see `candidateLookupKey`).
   */
  get(version: string | number, lookup: string): readonly CachedCandidate<P>[] | undefined {
    if (version !== this.#version) {
      this.#entries.clear();
      this.#version = version;
      return undefined;
    }
    const found = this.#entries.get(lookup);
    if (found !== undefined) {
      // Least recently used goes first when full: move this one to the back.
      this.#entries.delete(lookup);
      this.#entries.set(lookup, found);
    }
    return found;
  }

  /**
   * Stores candidates loaded after reading `version` from the store; ignored when the cache
   * has seen another version since (what was loaded may already be stale) or when empty.
   * @param version - the `dataVersion()` read before loading.
   * @param lookup - the Username and style.
   * @param candidates - what was loaded.
   */
  set(version: string | number, lookup: string, candidates: readonly CachedCandidate<P>[]): void {
    if (version !== this.#version || candidates.length === 0) return;
    if (this.#entries.size >= this.#maxEntries && !this.#entries.has(lookup)) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(lookup, candidates);
  }

  /** Drops every entry. */
  clear(): void {
    this.#entries.clear();
    this.#version = undefined;
  }
}
