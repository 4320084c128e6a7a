import type { Redis } from 'ioredis';
import { StoreUnavailableError } from '../port.js';

/** What the Redis repositories share: the client, their key prefix and the failure guard. */
export interface RedisContext {
  readonly client: Redis;
  /** Prepended to every key keygate writes, e.g. `keygate:`; nothing outside it is touched. */
  readonly prefix: string;
  /**
   * Runs `work` on the client; any failure (unreachable server, timeout, a server refusing
   * writes) rejects with `StoreUnavailableError`, so callers fail closed with 503 (S-4). Rejects
   * without running it once the store is closed or while the server is not known to be safe.
   */
  guard<T>(work: () => Promise<T>): Promise<T>;
}

/**
 * Builds the shared context.
 * @param client - the ioredis client (offline queue off, so commands fail fast while down).
 * @param prefix - the key prefix.
 * @param address - the server's name for messages (no password).
 * @param usable - says why the store may not be used right now (closed, not yet checked), or null.
 */
export function createRedisContext(
  client: Redis,
  prefix: string,
  address: string,
  usable: () => string | null,
): RedisContext {
  return {
    client,
    prefix,
    async guard(work) {
      const reason = usable();
      if (reason !== null) throw new StoreUnavailableError(`Redis at ${address}: ${reason}`);
      try {
        return await work();
      } catch (error) {
        const message = error instanceof Error ? error.message : 'unknown error';
        throw new StoreUnavailableError(`Redis at ${address} failed: ${message}`, {
          cause: error,
        });
      }
    },
  };
}
