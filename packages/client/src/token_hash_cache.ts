/** Most tokens one cache remembers; the oldest is dropped first. */
const MAX_ENTRIES = 10_000;

interface Entry<V> {
  readonly value: V;
  readonly validUntil: number;
}

/** The SHA-256 of a token, hex: what a {@link TokenHashCache} is keyed by. */
export async function tokenHash(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * What a resource server learnt about access tokens, by token hash ({@link tokenHash}), so
 * it never holds a token: each value until a time of its own on the given clock, at most
 * 10 000 of them, the oldest dropped first. Only tokens that passed the local signature
 * check are remembered, so forged tokens cannot fill it.
 */
export class TokenHashCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #now: () => number;

  /** @param now - the clock `validUntil` is measured on, epoch milliseconds. */
  constructor(now: () => number) {
    this.#now = now;
  }

  /** The value remembered for `hash`, unless its time has passed. */
  get(hash: string): V | undefined {
    const entry = this.#entries.get(hash);
    if (entry === undefined) return undefined;
    if (this.#now() < entry.validUntil) return entry.value;
    this.#entries.delete(hash);
    return undefined;
  }

  /** Remembers `value` for `hash` until `validUntil` (epoch milliseconds). */
  remember(hash: string, value: V, validUntil: number): void {
    this.#entries.delete(hash);
    while (this.#entries.size >= MAX_ENTRIES) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    this.#entries.set(hash, { value, validUntil });
  }
}
