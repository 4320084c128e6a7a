import type { Redis } from 'ioredis';

/**
 * Whether the server writes an append-only file (`aof_enabled:1` in `INFO persistence`).
 * Without one, a Redis restart forgets every consumed nonce, so a header still inside its
 * lifetime could be replayed afterwards (S-5); keygate warns about it at start.
 * @param client - a connected client.
 */
export async function readAppendOnly(client: Redis): Promise<boolean> {
  const info = await client.info('persistence');
  return /^aof_enabled:1\s*$/m.test(info);
}
