import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/port.js';
import { openRedisReplayStore } from '../../src/store/redis/open_redis_replay_store.js';
import { RedisEvictionPolicyError } from '../../src/store/redis/redis_eviction_policy_error.js';
import { runKeygate } from '../support/keygate_process.js';
import {
  type RedisServerProcess,
  requireRedisServerBinary,
  startRedisServer,
  uniqueKeyPrefix,
} from '../support/redis_server.js';
import { waitUntil } from '../support/wait_until.js';

/**
 * S-4, issue 5 acceptance 5: Redis configured with an evicting policy → keygate refuses to
 * start with a clear one-line message. Each case runs its own throwaway redis-server.
 */
const available = requireRedisServerBinary();
const NOW = Math.floor(Date.now() / 1000);

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the operation to reject'),
    (error: unknown) => error,
  );
}

describe.runIf(available)('maxmemory-policy check (S-4)', () => {
  const servers: RedisServerProcess[] = [];
  async function server(args: readonly string[]): Promise<RedisServerProcess> {
    const started = await startRedisServer(args);
    servers.push(started);
    return started;
  }
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.dispose()));
  });

  it('refuses a server with allkeys-lru, naming the policy and the fix', async () => {
    const redis = await server(['--maxmemory-policy', 'allkeys-lru']);
    const error = await rejectionOf(openRedisReplayStore({ url: redis.url }));
    expect(error).toBeInstanceOf(RedisEvictionPolicyError);
    expect((error as RedisEvictionPolicyError).policy).toBe('allkeys-lru');
    expect((error as Error).message).toContain('maxmemory-policy allkeys-lru');
    expect((error as Error).message).toContain('CONFIG SET maxmemory-policy noeviction');
  });

  it('reads the policy from INFO when CONFIG is renamed, and still refuses', async () => {
    const redis = await server([
      '--maxmemory-policy',
      'volatile-ttl',
      '--rename-command',
      'CONFIG',
      'kg-renamed-config',
    ]);
    const error = await rejectionOf(openRedisReplayStore({ url: redis.url }));
    expect(error).toBeInstanceOf(RedisEvictionPolicyError);
    expect((error as RedisEvictionPolicyError).policy).toBe('volatile-ttl');
  });

  it('accepts noeviction found through INFO when CONFIG is renamed', async () => {
    const redis = await server(['--rename-command', 'CONFIG', 'kg-renamed-config']);
    const store = await openRedisReplayStore({
      url: redis.url,
      keyPrefix: uniqueKeyPrefix('info'),
    });
    try {
      expect(await store.nonces.consume('n1', 60, NOW)).toBe(true);
      expect(await store.nonces.consume('n1', 60, NOW)).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('reports whether the server keeps an append-only file (S-5)', async () => {
    const volatile = await server([]);
    const durable = await server(['--appendonly', 'yes']);
    const a = await openRedisReplayStore({ url: volatile.url });
    const b = await openRedisReplayStore({ url: durable.url });
    try {
      expect(a.appendOnly).toBe(false);
      expect(b.appendOnly).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a server unreachable at start is StoreUnavailableError', async () => {
    const redis = await server([]);
    await redis.stop();
    const error = await rejectionOf(openRedisReplayStore({ url: redis.url, timeoutMs: 500 }));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toContain(`127.0.0.1:${redis.port}`);
  });

  it('stops serving when a reconnect finds an evicting policy, and resumes once fixed', async () => {
    const redis = await server([]);
    const admin = new Redis(redis.url);
    const events: string[] = [];
    const store = await openRedisReplayStore({
      url: redis.url,
      keyPrefix: uniqueKeyPrefix('reconnect'),
      onEvent: (event) => events.push(event.type),
    });
    try {
      expect(await store.nonces.consume('n1', 60, NOW)).toBe(true);
      await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
      await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      // Reconnected and checked, but found evicting: it must keep refusing (fail closed).
      await waitUntil('the reconnect check', async () => events.includes('unsafe_policy'));
      const refused = await rejectionOf(store.nonces.consume('n2', 60, NOW));
      expect(refused).toBeInstanceOf(StoreUnavailableError);
      expect(await rejectionOf(store.ping())).toBeInstanceOf(StoreUnavailableError);

      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      await waitUntil('the store to serve again', async () => {
        await store.ping();
        return true;
      });
      expect(await store.nonces.consume('n1', 60, NOW)).toBe(false);
      expect(await store.nonces.consume('n2', 60, NOW)).toBe(true);
      expect(events).toEqual(['down', 'unsafe_policy', 'up']);
    } finally {
      await store.close();
      await admin.quit();
    }
  });

  it('resumes once the policy is fixed on the same connection, without another reconnect', async () => {
    const redis = await server([]);
    const admin = new Redis(redis.url);
    const events: string[] = [];
    const store = await openRedisReplayStore({
      url: redis.url,
      keyPrefix: uniqueKeyPrefix('recheck'),
      onEvent: (event) => events.push(event.type),
    });
    try {
      await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
      await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      await waitUntil('the reconnect check', async () => events.includes('unsafe_policy'));
      expect(await rejectionOf(store.nonces.consume('m1', 60, NOW))).toBeInstanceOf(
        StoreUnavailableError,
      );
      // No CLIENT KILL this time: only the periodic re-check can notice the fix.
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await waitUntil('the store to serve again', async () => {
        await store.ping();
        return true;
      });
      expect(await store.nonces.consume('m1', 60, NOW)).toBe(true);
      // Reported once, not once per re-check.
      expect(events).toEqual(['down', 'unsafe_policy', 'up']);
    } finally {
      await store.close();
      await admin.quit();
    }
  });

  describe('keygate serve', () => {
    let dataDir: string;
    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'keygate-eviction-'));
    });
    afterAll(() => rm(dataDir, { recursive: true, force: true }));

    it('refuses to start on an evicting Redis with one clear line, never the password', async () => {
      const password = 'pw-never-printed-7f3a';
      const redis = await server(['--maxmemory-policy', 'allkeys-lru', '--requirepass', password]);
      const result = await runKeygate(['serve', '--port', '0'], {
        env: {
          KEYGATE_DATA_DIR: dataDir,
          KEYGATE_REDIS_URL: `redis://:${password}@127.0.0.1:${redis.port}`,
        },
      });
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^keygate: invalid configuration: redisUrl: /);
      expect(lines[0]).toContain('maxmemory-policy allkeys-lru');
      expect(lines[0]).toContain('noeviction');
      expect(result.stderr).not.toContain(password);
      expect(result.stdout).toBe('');
    });
  });
});
