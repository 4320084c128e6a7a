import type { CredentialRecord } from '../../store/port.js';
import { StoreVersionCache } from '../caching/store_version_cache.js';
import type { WsseFailure } from './wsse_failure.js';

/** Default bound on cached Usernames (each holds at most a few credentials and secrets). */
const DEFAULT_CREDENTIAL_CACHE_ENTRIES = 10_000;

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
  /** Set on the stand-in worked through for a Username that names no credential. */
  readonly standIn?: true;
}

/**
 * Remembers, per Username and lookup style, the candidates WSSE verification loaded, so a
 * known key costs no store reads and no AES-GCM open per request. Entries are served only
 * while the store's `dataVersion` is the one they were loaded at (see `StoreVersionCache`),
 * so a key disabled, reset or revoked by the CLI in another process, a user or organization
 * disabled, or a master-key rotation's re-seal is seen on the next request.
 *
 * Unknown Usernames are remembered too (with the stand-in candidate verification works
 * through for them), in a second bound of their own: a repeated unknown Username then costs
 * no store read either, as a known one does (W-7: an unknown Username must not be told apart
 * by its cost), and random Usernames can only evict other unknown ones, never real keys.
 *
 * Opened secrets live in this process's memory only as long as their entry: at most
 * `maxEntries` Usernames of each kind (least recently used evicted first), held in private
 * fields, so the cache never shows up in logs, `util.inspect` or JSON.
 */
export class CredentialCache<P> {
  readonly #known: StoreVersionCache<readonly CachedCandidate<P>[]>;
  readonly #unknown: StoreVersionCache<readonly CachedCandidate<P>[]>;

  /** @param maxEntries - how many known, and how many unknown, Usernames to keep (≥ 1). */
  constructor(maxEntries = DEFAULT_CREDENTIAL_CACHE_ENTRIES) {
    this.#known = new StoreVersionCache(maxEntries);
    this.#unknown = new StoreVersionCache(maxEntries);
  }

  /** How many known Usernames are cached (for tests). */
  get size(): number {
    return this.#known.size;
  }

  /**
   * The candidates cached for `lookup` (the stand-in for a Username known not to exist), or
   * undefined.
   * @param version - the store's current `dataVersion()`.
   * @param lookup - the Username and style.
   */
  get(version: string | number, lookup: string): readonly CachedCandidate<P>[] | undefined {
    return this.#known.get(version, lookup) ?? this.#unknown.get(version, lookup);
  }

  /**
   * Stores what a lookup found after reading `version` (see `StoreVersionCache.set`); a
   * stand-in (or empty) result goes to the unknown Usernames.
   */
  set(version: string | number, lookup: string, candidates: readonly CachedCandidate<P>[]): void {
    const known = candidates.length > 0 && candidates.every((c) => c.standIn !== true);
    if (known) this.#known.set(version, lookup, candidates);
    else this.#unknown.set(version, lookup, candidates);
  }
}
