import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUsernameTokenSync } from '@keygate/wsse/node';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from '../support/http_client.js';
import { runKeygate, type ServerProcess, startKeygateProcess } from '../support/keygate_process.js';
import {
  type RedisServerProcess,
  requireRedisServerBinary,
  startRedisServer,
} from '../support/redis_server.js';
import { waitUntil } from '../support/wait_until.js';

/**
 * Regression: Redis's `maxmemory-policy` was checked only at start and on reconnects, so a
 * running Redis switched to `allkeys-lru` (which may evict replay records, S-4) went unnoticed:
 * `/readyz` stayed 200 and WSSE kept trusting it. Now readiness turns false, naming Redis,
 * WSSE fails closed as at start, and both recover once the policy is set back.
 */
describe.runIf(requireRedisServerBinary())('Redis policy changed while serving', () => {
  let dataDir: string;
  let redis: RedisServerProcess;
  let keygate: ServerProcess;
  let credential: { key: string; secret: string };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-redis-policy-'));
    redis = await startRedisServer(['--maxmemory-policy', 'noeviction']);
    const env = { KEYGATE_DATA_DIR: dataDir, KEYGATE_REDIS_URL: redis.url };
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

  const me = () =>
    get(`${keygate.url}/api/v1/me`, {
      'X-WSSE': createUsernameTokenSync({ username: credential.key, secret: credential.secret })
        .header,
    });

  it('turns readiness false and WSSE 503 under allkeys-lru, and back under noeviction', async () => {
    expect((await get(`${keygate.url}/readyz`)).status).toBe(200);
    expect((await me()).status).toBe(200);
    const admin = new Redis(redis.url);
    try {
      await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
      const notReady = await waitUntil('readyz to answer 503', async () => {
        const answer = await get(`${keygate.url}/readyz`);
        return answer.status === 503 ? answer : null;
      });
      expect(notReady.json).toEqual({ status: 'unavailable', failed: ['redis'] });
      const refused = await me();
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');

      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await waitUntil(
        'readyz to answer 200',
        async () => (await get(`${keygate.url}/readyz`)).status === 200,
      );
      expect((await me()).status).toBe(200);
    } finally {
      admin.disconnect();
    }
  });
});
