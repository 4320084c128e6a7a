/**
 * The unconsumed refresh tokens of the `refresh_token` scenario, first in first out. The
 * benchmark starts many chains (one token family each, see `keygate_oauth.ts`); a request
 * takes a token out, its answer puts the successor back, so every token is presented exactly
 * once and chains continue across runs. A request still in flight when a run stops takes its
 * token with it: that chain ends there, which is why the pool starts with a chain per
 * connection for every run plus one spare set.
 */
export class RefreshTokenPool {
  #queue: string[];
  #head = 0;
  /** The signature part (unique per token) of every token that ever entered the pool. */
  readonly #seen = new Set<string>();
  #duplicates = 0;

  /** @param initial - the first token of every chain. */
  constructor(initial: readonly string[]) {
    this.#queue = [];
    for (const token of initial) this.give(token);
  }

  /** Tokens ready to be presented. */
  get available(): number {
    return this.#queue.length - this.#head;
  }

  /** Successors that had been seen before (a server that answered with an old token). */
  get duplicates(): number {
    return this.#duplicates;
  }

  /** The oldest unconsumed token, removed from the pool; null when the pool ran dry. */
  take(): string | null {
    if (this.#head >= this.#queue.length) return null;
    const token = this.#queue[this.#head] as string;
    this.#head++;
    if (this.#head > 4096 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return token;
  }

  /**
   * Puts a new token in. False (and nothing added) when the same token was seen before: a
   * refresh must always answer with a token never issued before.
   */
  give(token: string): boolean {
    const signature = token.slice(token.lastIndexOf('.') + 1);
    if (this.#seen.has(signature)) {
      this.#duplicates++;
      return false;
    }
    this.#seen.add(signature);
    this.#queue.push(token);
    return true;
  }
}
