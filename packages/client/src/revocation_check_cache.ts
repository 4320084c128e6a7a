import type { RefusalAnswer } from './errors.js';

/** What keygate said about an access token: still good, or refused with this answer. */
export type RevocationVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly refusal: RefusalAnswer };

/** Longest a verdict is reused: keygate may add its own 2 s, and R-3 allows 5 s in all. */
export const MAX_REVOCATION_CHECK_WINDOW_MS = 2_000;

/** Most tokens remembered; the oldest is dropped first. */
const MAX_ENTRIES = 10_000;

interface Entry {
  readonly verdict: RevocationVerdict;
  readonly validUntil: number;
}

/** The SHA-256 of a token, hex: what the cache is keyed by, so it never holds a token. */
export async function tokenHash(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * keygate's verdicts on access tokens (`revocationAware`, R-3), by token hash, each reused for
 * at most {@link MAX_REVOCATION_CHECK_WINDOW_MS} on the given clock; bounded, oldest first
 * out. Only tokens that passed the local signature and claims check are asked about, so
 * forged tokens cannot fill it.
 */
export class RevocationCheckCache {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** The verdict remembered for `hash`, if it is still within its window. */
  get(hash: string): RevocationVerdict | undefined {
    const entry = this.#entries.get(hash);
    if (entry === undefined) return undefined;
    if (this.#now() < entry.validUntil) return entry.verdict;
    this.#entries.delete(hash);
    return undefined;
  }

  /** Remembers `verdict` for `hash` from now on. */
  remember(hash: string, verdict: RevocationVerdict): void {
    this.#entries.delete(hash);
    while (this.#entries.size >= MAX_ENTRIES) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    this.#entries.set(hash, { verdict, validUntil: this.#now() + MAX_REVOCATION_CHECK_WINDOW_MS });
  }
}
