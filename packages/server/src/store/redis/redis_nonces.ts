import { checkUnixSeconds } from '../check_port_input.js';
import type { NonceStore } from '../replay_port.js';
import type { RedisContext } from './redis_context.js';
import { luaScript } from './run_lua_script.js';

// One atomic step on the server: a live record (value = its expiry in unix seconds, or
// `forever`) refuses; otherwise the record is (re)written with `EX ttl`, so Redis drops it by
// itself once the window has passed. Liveness is judged by the caller's `now`, exactly as the
// SQL adapters do, so a clock frozen in a test behaves the same on every adapter; the
// relative `EX` keeps each record at least `ttl` seconds of the server's own time.
const CONSUME = luaScript(`
local value = redis.call('GET', KEYS[1])
if value and (value == 'forever' or tonumber(value) > tonumber(ARGV[1])) then
  return 0
end
local ttl = tonumber(ARGV[2])
if ttl < 0 then
  redis.call('SET', KEYS[1], 'forever')
elseif ttl == 0 then
  if value then redis.call('DEL', KEYS[1]) end
else
  redis.call('SET', KEYS[1], ARGV[3], 'EX', ttl)
end
return 1
`);

/** Characters that mean something in a SCAN MATCH pattern. */
const GLOB_SPECIAL = /[*?[\]\\]/g;

/**
 * The replay store (W-6) in Redis, keys `<prefix>nonce:<key>` (the key is already a SHA-256,
 * W-6). `consume` is one Lua script, the `SET key NX EX ttl` rule with expiry judged by the
 * caller's clock; a negative ttl keeps the record forever (no `EX`). `deleteAll` removes only
 * keygate's nonce keys (SCAN + UNLINK, never FLUSHDB). `purgeExpired` returns 0: Redis
 * drops expired records by itself.
 * @param context - client, key prefix and failure guard.
 */
export function createRedisNonces({ client, prefix, guard }: RedisContext): NonceStore {
  const namespace = `${prefix}nonce:`;
  return {
    async consume(key, ttlSeconds, now) {
      checkUnixSeconds(ttlSeconds, 'ttlSeconds');
      checkUnixSeconds(now, 'now');
      return guard(async () => {
        const result = await CONSUME.run(
          client,
          [namespace + key],
          [now, ttlSeconds, now + ttlSeconds],
        );
        return result === 1;
      });
    },
    deleteAll() {
      return guard(async () => {
        const pattern = `${namespace.replace(GLOB_SPECIAL, '\\$&')}*`;
        let cursor = '0';
        let dropped = 0;
        do {
          const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) dropped += await client.unlink(...keys);
        } while (cursor !== '0');
        return dropped;
      });
    },
    async purgeExpired(now) {
      checkUnixSeconds(now, 'now');
      // Redis expires records by itself (`EX`); there is never anything left to purge.
      return guard(async () => 0);
    },
  };
}
