import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { CleanupStack } from './cleanup_stack.js';

/** The shared Redis the benchmark writes to. Override with `BENCH_REDIS_URL` (no query part). */
export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** How many keys one SCAN step looks at. */
const SCAN_COUNT = 1000;

/**
 * The benchmark's own corner of a shared Redis: every key keygate writes starts with a prefix
 * unique to this run, and every such key is removed at exit.
 *
 * keygate has no setting for its key prefix (`keygate serve` always writes `keygate:…`), but
 * its Redis client (ioredis) takes client options from the URL's query string, `keyPrefix`
 * among them, and prefixes the keys of every command, Lua scripts' `KEYS` included. So
 * keygate's `keygate:nonce:<sha256>` becomes `<prefix>keygate:nonce:<sha256>`. The benchmark
 * checks after its pre-flight requests that the nonces really landed under the prefix.
 */
export interface RedisNamespace {
  /** `keygate-bench-<random>:`. */
  readonly prefix: string;
  /** `KEYGATE_REDIS_URL` for keygate: the shared Redis with `?keyPrefix=<prefix>`. */
  readonly keygateUrl: string;
  /** Consumed nonces keygate holds under the prefix (keys `<prefix>keygate:nonce:*`). */
  countNonces(): Promise<number>;
  /**
   * Commands the whole Redis server has processed so far, by command name (`INFO
   * commandstats`), other users' included: a per-request figure from it is an upper bound on
   * a shared server.
   */
  commandCounts(): Promise<Record<string, number>>;
  /** Process id of the Redis server (`INFO server`), for its CPU time; null when remote. */
  serverPid(): Promise<number | null>;
}

async function scanCount(client: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let count = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
    cursor = next;
    count += keys.length;
  } while (cursor !== '0');
  return count;
}

function infoField(info: string, field: string): string | undefined {
  return new RegExp(`^${field}:(\\S+)`, 'm').exec(info)?.[1];
}

/**
 * Connects to {@link BENCH_REDIS_URL}, picks a fresh prefix, checks nothing uses it yet, and
 * registers on `cleanup` the removal of every key under it (SCAN + UNLINK, never FLUSHDB:
 * others use the same Redis) and the disconnection.
 * @throws Error when Redis cannot be reached.
 */
export async function openRedisNamespace(cleanup: CleanupStack): Promise<RedisNamespace> {
  const client = new Redis(BENCH_REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 5000,
  });
  client.on('error', () => {});
  await client.connect();
  cleanup.add('disconnect from Redis', () => client.disconnect());
  const prefix = `keygate-bench-${randomBytes(6).toString('hex')}:`;
  const pattern = `${prefix}*`;
  if ((await scanCount(client, pattern)) !== 0) {
    throw new Error(`Redis already holds keys under ${prefix}`);
  }
  cleanup.add(`remove Redis keys ${pattern}`, async () => {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
      cursor = next;
      if (keys.length > 0) await client.unlink(...keys);
    } while (cursor !== '0');
  });
  const url = new URL(BENCH_REDIS_URL);
  url.searchParams.set('keyPrefix', prefix);
  return {
    prefix,
    keygateUrl: url.toString(),
    countNonces: () => scanCount(client, `${prefix}keygate:nonce:*`),
    async commandCounts() {
      const counts: Record<string, number> = {};
      for (const match of (await client.info('commandstats')).matchAll(
        /^cmdstat_([^:]+):calls=(\d+)/gm,
      )) {
        counts[match[1] as string] = Number(match[2]);
      }
      return counts;
    },
    async serverPid() {
      if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return null;
      const pid = Number(infoField(await client.info('server'), 'process_id'));
      return Number.isInteger(pid) ? pid : null;
    },
  };
}
