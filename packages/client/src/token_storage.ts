/**
 * Where `authorizationCode` keeps its tokens and its pending authorization (state and PKCE
 * verifier) between calls and restarts (C-4): a small string key-value store. Values are
 * JSON written by the SDK; implementations only store them. Methods may be synchronous or
 * return promises, so `sessionStorage`, a file or a database all fit.
 *
 * Keys used: `tokens` and `pending`. Values are secrets (refresh tokens): keep the storage
 * private to the user.
 */
export interface TokenStorage {
  get(name: string): string | null | undefined | Promise<string | null | undefined>;
  set(name: string, value: string): void | Promise<void>;
  delete(name: string): void | Promise<void>;
}

/** A {@link TokenStorage} in memory: lost when the process or page goes away. */
export function memoryTokenStorage(): TokenStorage {
  const values = new Map<string, string>();
  return {
    get: (name) => values.get(name) ?? null,
    set: (name, value) => {
      values.set(name, value);
    },
    delete: (name) => {
      values.delete(name);
    },
  };
}
