/**
 * Thrown at start when the Redis server may evict keys (S-4): an evicted replay record would
 * let a captured WSSE header be replayed, so keygate refuses to run on such a server. The
 * message names the server (never its password), the policy found and the fix.
 */
export class RedisEvictionPolicyError extends Error {
  override readonly name = 'RedisEvictionPolicyError';
  constructor(
    /** `host:port` of the server. */
    readonly address: string,
    /** The policy the server reported. */
    readonly policy: string,
  ) {
    super(
      `Redis at ${address} has maxmemory-policy ${policy}, which may evict replay records; keygate needs noeviction: run "CONFIG SET maxmemory-policy noeviction" and put "maxmemory-policy noeviction" in redis.conf (S-4)`,
    );
  }
}
