/**
 * A `fetch` the SDK can use: the global one, undici's, or a test's wrapper (oauth4webapi's
 * `customFetch` idea). Only `(url, init)` is ever passed.
 */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** What an auth strategy works with: where the server is, how to reach it, what time it is. */
export interface AuthContext {
  /** The server's origin (and optional path prefix), without a trailing slash. */
  readonly baseUrl: string;
  readonly fetch: FetchLike;
  /** Current time in epoch milliseconds; injected so tests can freeze it. */
  readonly now: () => number;
}

/**
 * Joins a base URL and a path (`/oauth/token`) with exactly one slash between them. An
 * absolute `http(s)://` path is returned as is.
 */
export function resolveUrl(baseUrl: string, path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
