import type { Redis } from 'ioredis';

/**
 * Reads the server's `maxmemory-policy`: `CONFIG GET maxmemory-policy`, or, where CONFIG is
 * disabled or renamed (common on managed Redis), the `maxmemory_policy` line of `INFO memory`.
 * @param client - a connected client.
 * @returns the policy name, e.g. `noeviction` or `allkeys-lru`.
 * @throws Error when neither command reveals the policy.
 */
export async function readEvictionPolicy(client: Redis): Promise<string> {
  try {
    const reply = (await client.call('CONFIG', 'GET', 'maxmemory-policy')) as unknown;
    if (Array.isArray(reply) && typeof reply[1] === 'string') return reply[1];
  } catch {
    // CONFIG renamed or forbidden: INFO below says the same.
  }
  const info = await client.info('memory');
  const match = /^maxmemory_policy:(\S+)\s*$/m.exec(info);
  if (!match?.[1]) throw new Error('the server reports no maxmemory_policy in INFO memory');
  return match[1];
}
