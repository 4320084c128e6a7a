/** Most tokens one cache remembers; the oldest is dropped first. */
const MAX_ENTRIES = 10_000;

interface Entry<V> {
  readonly value: V;
  readonly validUntil: number;
}

/** What this file uses of Node's `node:crypto`. */
interface NodeHashing {
  createHash(algorithm: 'sha256'): { update(data: string): { digest(encoding: 'hex'): string } };
}

/**
 * Node's own hashing, found without an import so the package still bundles for browsers:
 * `crypto.subtle.digest` hands every call to a worker thread, which costs about 100 µs per
 * token on Node 20, more than the check it saves; `createHash` takes about 2 µs.
 */
const nodeHashing = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as NodeHashing | undefined;

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** The SHA-256 of a token, hex: what a {@link TokenHashCache} is keyed by. */
export async function tokenHash(token: string): Promise<string> {
  if (nodeHashing) return nodeHashing.createHash('sha256').update(token).digest('hex');
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  let hex = '';
  for (const byte of new Uint8Array(digest)) hex += HEX[byte];
  return hex;
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
