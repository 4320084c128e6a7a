import { checkCounterTtl, checkUnixSeconds } from '../check_port_input.js';
import type { CounterStore } from '../replay_port.js';
import type { RedisContext } from './redis_context.js';
import { luaScript } from './run_lua_script.js';

// One atomic step: a live window (hash field `e` > now) counts up and keeps its end; otherwise
// the counter starts again at 1 and gets its end and its `EXPIRE` in the same script, so a
// counter can never exist without an expiry (a crash between INCR and EXPIRE cannot happen).
const INCREMENT = luaScript(`
local now = tonumber(ARGV[1])
local ends = redis.call('HGET', KEYS[1], 'e')
if ends and tonumber(ends) > now then
  return {redis.call('HINCRBY', KEYS[1], 'c', 1), tonumber(ends)}
end
redis.call('HSET', KEYS[1], 'c', 1, 'e', ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return {1, tonumber(ARGV[3])}
`);

/**
 * Rate-limit counters in Redis, keys `<prefix>counter:<key>`, each a hash of count `c`
 * and window end `e`, with the window's `EXPIRE`. Windows are judged by the caller's clock,
 * like the SQL adapters.
 * @param context - client, key prefix and failure guard.
 */
export function createRedisCounters({ client, prefix, guard }: RedisContext): CounterStore {
  const namespace = `${prefix}counter:`;
  return {
    async increment(key, ttlSeconds, now) {
      checkCounterTtl(ttlSeconds);
      checkUnixSeconds(now, 'now');
      return guard(async () => {
        const reply = await INCREMENT.run(
          client,
          [namespace + key],
          [now, ttlSeconds, now + ttlSeconds],
        );
        if (!Array.isArray(reply) || reply.length !== 2) {
          throw new Error('unexpected reply from the counter script');
        }
        return { count: Number(reply[0]), expiresAt: Number(reply[1]) };
      });
    },
    async purgeExpired(now) {
      checkUnixSeconds(now, 'now');
      // Every counter key carries its window's EXPIRE; Redis drops ended ones by itself.
      return 0;
    },
  };
}
