import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUsernameTokenSync } from '@keygate/wsse/node';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/port.js';
import { openRedisReplayStore } from '../../src/store/redis/open_redis_replay_store.js';
import { get } from '../support/http_client.js';
import { runKeygate, type ServerProcess, startKeygateProcess } from '../support/keygate_process.js';
import {
  type RedisServerProcess,
  requireRedisServerBinary,
  startRedisServer,
  uniqueKeyPrefix,
} from '../support/redis_server.js';
import { postToken } from '../support/token_client.js';
import { waitUntil } from '../support/wait_until.js';

/**
 * S-4, issue 5 acceptance 3 (Redis): a keygate process whose replay store is a Redis that is
 * killed while it serves answers WSSE requests with a JSON 503, never 200 and never a crash;
 * `/readyz` turns false; when Redis comes back on the same port, service resumes without
 * restarting keygate.
 */
const available = requireRedisServerBinary();

describe.runIf(available)('Redis outage while serving (S-4)', () => {
  let dataDir: string;
  let redis: RedisServerProcess;
  let keygate: ServerProcess;
  let credential: { key: string; secret: string };
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-redis-outage-'));
    redis = await startRedisServer();
    env = { KEYGATE_DATA_DIR: dataDir, KEYGATE_REDIS_URL: redis.url };
    keygate = await startKeygateProcess([], { env });
    const generated = await runKeygate(
      ['apikey', 'generate', '--user', 'admin', '--org', 'default', '--json'],
      { env },
    );
    expect(generated.code, generated.stderr).toBe(0);
    credential = JSON.parse(generated.stdout) as { key: string; secret: string };
  });

  afterAll(async () => {
    await keygate?.stop();
    await redis?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  function freshHeader(): string {
    return createUsernameTokenSync({ username: credential.key, secret: credential.secret }).header;
  }

  async function nonceKeysInRedis(): Promise<number> {
    const client = new Redis(redis.url);
    try {
      return (await client.keys('keygate:nonce:*')).length;
    } finally {
      client.disconnect();
    }
  }

  it('fails closed while Redis is down and recovers by itself when it returns', async () => {
    // Up: the nonce goes to Redis (not the database), and a replay is refused.
    const header = freshHeader();
    expect((await get(`${keygate.url}/api/v1/me`, { 'X-WSSE': header })).status).toBe(200);
    const replay = await get(`${keygate.url}/api/v1/me`, { 'X-WSSE': header });
    expect(replay.status).toBe(401);
    expect(replay.json).toMatchObject({ error: 'nonce_replayed' });
    expect(await nonceKeysInRedis()).toBe(1);
    expect((await get(`${keygate.url}/readyz`)).status).toBe(200);

    await redis.stop('SIGKILL');

    // Down: every WSSE request, valid or not yet seen, is a JSON 503; none is a 200.
    const during = await Promise.all(
      Array.from({ length: 20 }, () =>
        get(`${keygate.url}/api/v1/me`, { 'X-WSSE': freshHeader() }),
      ),
    );
    for (const response of during) {
      expect(response.status).toBe(503);
      expect(response.json).toMatchObject({ error: 'temporarily_unavailable' });
      expect(response.headers['retry-after']).toBe('5');
      expect(response.headers['content-type']).toMatch(/^application\/json/);
    }
    // Readiness is checked at most once a second: it turns within that, naming Redis.
    const notReady = await waitUntil('readyz to answer 503', async () => {
      const answer = await get(`${keygate.url}/readyz`);
      return answer.status === 503 ? answer : null;
    });
    expect(notReady.json).toEqual({ status: 'unavailable', failed: ['redis'] });
    expect(notReady.headers['retry-after']).toBe('5');
    expect((await get(`${keygate.url}/healthz`)).status).toBe(200);
    // The token endpoint does not need Redis: it keeps answering from the database (a 401
    // for an unknown client here), not a 5xx.
    const token = await postToken(keygate, {
      grant_type: 'client_credentials',
      client_id: 'nobody',
      client_secret: 'nothing',
    });
    expect(token.status).toBe(401);

    await redis.restart();

    // Back on the same port: readiness and authentication return without a restart.
    await waitUntil(
      'readyz to answer 200',
      async () => (await get(`${keygate.url}/readyz`)).status === 200,
    );
    const again = freshHeader();
    expect((await get(`${keygate.url}/api/v1/me`, { 'X-WSSE': again })).status).toBe(200);
    expect((await get(`${keygate.url}/api/v1/me`, { 'X-WSSE': again })).status).toBe(401);

    // Never a crash (an unhandled rejection would end it): the same process served throughout.
    expect(keygate.child.exitCode).toBeNull();
    expect(keygate.child.signalCode).toBeNull();
    expect(keygate.stderr()).not.toMatch(/Unhandled error event|unhandled ?rejection/i);
  });

  it('keygate wsse nonces delete forgets the nonces kept in Redis (W-11)', async () => {
    const header = freshHeader();
    expect((await get(`${keygate.url}/api/v1/me`, { 'X-WSSE': header })).status).toBe(200);
    const present = await nonceKeysInRedis();
    expect(present).toBeGreaterThan(0);
    const deleted = await runKeygate(['wsse', 'nonces', 'delete', '--json'], { env });
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(JSON.parse(deleted.stdout)).toMatchObject({ deleted: present });
    expect(await nonceKeysInRedis()).toBe(0);
    expect((await get(`${keygate.url}/api/v1/me`, { 'X-WSSE': header })).status).toBe(200);
  });

  it('the replay store rejects at once while down, reports the outage once, and resumes', async () => {
    const own = await startRedisServer();
    const events: string[] = [];
    const store = await openRedisReplayStore({
      url: own.url,
      keyPrefix: uniqueKeyPrefix('outage'),
      onEvent: (event) => events.push(event.type),
    });
    try {
      const now = Math.floor(Date.now() / 1000);
      expect(await store.nonces.consume('before', 60, now)).toBe(true);
      await own.stop('SIGKILL');
      for (let i = 0; i < 5; i += 1) {
        const outcomes = await Promise.allSettled([
          store.nonces.consume(`during-${i}`, 60, now),
          store.counters.increment('c', 60, now),
          store.nonces.deleteAll(),
          store.ping(),
        ]);
        for (const outcome of outcomes) {
          expect(outcome.status).toBe('rejected');
          if (outcome.status === 'rejected') {
            expect(outcome.reason).toBeInstanceOf(StoreUnavailableError);
            expect(String(outcome.reason.message)).toContain(`127.0.0.1:${own.port}`);
          }
        }
      }
      await own.restart();
      await waitUntil('the store to answer again', async () => {
        await store.ping();
        return true;
      });
      expect(await store.nonces.consume('after', 60, now)).toBe(true);
      expect(await store.nonces.consume('after', 60, now)).toBe(false);
      expect(events).toEqual(['down', 'up']);
    } finally {
      // The server first: a store whose server is gone closes at once.
      await own.dispose();
      await store.close();
    }
  });

  it('a hung Redis (SIGSTOP) makes calls fail with StoreUnavailableError, not wait forever', async () => {
    const own = await startRedisServer();
    const store = await openRedisReplayStore({
      url: own.url,
      keyPrefix: uniqueKeyPrefix('hung'),
      timeoutMs: 300,
    });
    try {
      const now = Math.floor(Date.now() / 1000);
      expect(await store.nonces.consume('before', 60, now)).toBe(true);
      own.pause();
      const outcomes = await Promise.allSettled([
        store.nonces.consume('during', 60, now),
        store.ping(),
      ]);
      for (const outcome of outcomes) {
        expect(outcome.status).toBe('rejected');
        if (outcome.status === 'rejected') {
          expect(outcome.reason).toBeInstanceOf(StoreUnavailableError);
        }
      }
      own.resume();
      await waitUntil('the store to answer again', async () => {
        await store.ping();
        return true;
      });
      expect(await store.nonces.consume('before', 60, now)).toBe(false);
      expect(await store.nonces.consume('after', 60, now)).toBe(true);
    } finally {
      // The server first: a store whose server is gone closes at once.
      await own.dispose();
      await store.close();
    }
  });
});
