import type { CredentialRecord } from '../../store/port.js';
import { StoreVersionCache } from '../caching/store_version_cache.js';
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
 * known key costs no store reads and no AES-GCM open per request. Entries are served only
 * while the store's `dataVersion` is the one they were loaded at (see `StoreVersionCache`),
 * so a key disabled, reset or revoked by the CLI in another process, a user or organization
 * disabled, or a master-key rotation's re-seal is seen on the next request.
 *
 * Opened secrets live in this process's memory only as long as their entry: at most
 * `maxEntries` Usernames (least recently used evicted first), held in a private field, so the
 * cache never shows up in logs, `util.inspect` or JSON. Unknown Usernames are not cached, so
 * random Usernames cannot evict real ones.
 */
export class CredentialCache<P> extends StoreVersionCache<readonly CachedCandidate<P>[]> {
  /** @param maxEntries - how many Usernames to keep (≥ 1). */
  constructor(maxEntries = DEFAULT_CREDENTIAL_CACHE_ENTRIES) {
    super(maxEntries);
  }

  /** Like `StoreVersionCache.set`, but an empty lookup (unknown Username) is never stored. */
  override set(
    version: string | number,
    lookup: string,
    candidates: readonly CachedCandidate<P>[],
  ): void {
    if (candidates.length > 0) super.set(version, lookup, candidates);
  }
}
