/** How keygate connects to PostgreSQL (S-2). */
export interface PostgresOptions {
  /** `postgres://` or `postgresql://` URL; credentials in it never appear in messages. */
  readonly url: string;
  /** Most connections the pool opens (default {@link DEFAULT_POSTGRES_POOL_SIZE}). */
  readonly poolSize?: number;
  /**
   * Longest a statement may run, and longest to wait for a connection, in milliseconds
   * (default {@link DEFAULT_POSTGRES_TIMEOUT_MS}). A database that does not answer within it
   * surfaces as `StoreUnavailableError` (S-4) instead of a hanging request.
   */
  readonly timeoutMs?: number;
}

/**
 * Connections per process by default: enough for the handful of statements a request runs to
 * overlap on a 2-core host, small enough that several keygate processes fit PostgreSQL's
 * default `max_connections` (100) with room to spare.
 */
export const DEFAULT_POSTGRES_POOL_SIZE = 10;

/** Statement and connection timeout by default: the same 5 s SQLite waits for its lock. */
export const DEFAULT_POSTGRES_TIMEOUT_MS = 5000;
