import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script run by its SHA-1, loaded on first use or after the server lost its cache. */
export interface LuaScript {
  run(client: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

/**
 * Wraps a Lua script: `EVALSHA` (the script body is not resent on every call), falling back
 * to `EVAL` when the server answers `NOSCRIPT` (first use, restart, `SCRIPT FLUSH`). A script
 * runs atomically on the server, which is what makes each single-use rule one operation.
 * @param source - the Lua source.
 */
export function luaScript(source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(client, keys, args) {
      try {
        return await client.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return client.eval(source, keys.length, ...keys, ...args);
      }
    },
  };
}
