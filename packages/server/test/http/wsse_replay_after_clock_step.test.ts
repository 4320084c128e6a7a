import { setTimeout as sleep } from 'node:timers/promises';
import { createUsernameTokenSync } from '@keygate/wsse/node';
import { afterEach, describe, expect, it } from 'vitest';
import { get } from '../support/http_client.js';
import { requireSharedRedis, SHARED_REDIS_URL } from '../support/redis_server.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
} from '../support/start_test_server.js';

const redis = await requireSharedRedis();

/** 2026-11-22T09:15:30Z, a whole second. */
const START_MS = Date.UTC(2026, 10, 22, 9, 15, 30);
/** A short window, so a record's retention can run out on Redis's own clock within the test. */
const LIFETIME_SECONDS = 1;
const SKEW_SECONDS = 1;
const config = { wsse: { lifetimeSeconds: LIFETIME_SECONDS, futureSkewSeconds: SKEW_SECONDS } };

/**
 * W-6: a nonce is kept at least as long as any clock keygate judges by could still accept its
 * header. It used to be kept for exactly lifetime + skew: on Redis that is counted on Redis's
 * clock, so with keygate's clock set back a header already used was accepted again once its
 * Redis TTL ran out while keygate still judged it fresh; on SQLite a purge run while the clock
 * was ahead dropped records whose headers were fresh again once the clock came back. The
 * retention now includes `wsse.clockStepMarginSeconds` (default 300 s).
 */
describe('a wall-clock step does not reopen a replay window (W-6)', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  function headerAt(credential: SeededCredential, createdMs: number): string {
    return createUsernameTokenSync({
      username: credential.key,
      secret: credential.secret,
      now: () => new Date(createdMs),
    }).header;
  }

  async function call(header: string) {
    if (!server) throw new Error('no server');
    return get(`${server.url}/api/v1/me`, { 'X-WSSE': header });
  }

  async function expectReplayRefused(header: string): Promise<void> {
    const replay = await call(header);
    expect(replay.status).toBe(401);
    expect(replay.json).toMatchObject({ error: 'nonce_replayed' });
  }

  it.runIf(redis)(
    'Redis: clock set back after a use, the header stays refused once lifetime + skew have passed on Redis',
    async () => {
      server = await startTestServer({
        redisUrl: SHARED_REDIS_URL,
        config,
        clockStartMs: START_MS,
      });
      const alice = await seedCredential(server);
      const used = headerAt(alice, START_MS);
      expect((await call(used)).status).toBe(200);

      // Lifetime + skew pass on Redis's clock (the record's old TTL) …
      await sleep((LIFETIME_SECONDS + SKEW_SECONDS) * 1000 + 500);
      // … while keygate's clock was set back by about as much: it reads 0.5 s after the use.
      server.clock.set(START_MS + 500);
      // Headers created at the moment of the use are still fresh by keygate's clock …
      expect((await call(headerAt(alice, START_MS))).status).toBe(200);
      // … so only the replay store stands between the used one and a second acceptance.
      await expectReplayRefused(used);
    },
  );

  it('SQLite: a purge run while the clock is ahead keeps the records a clock set back needs', async () => {
    server = await startTestServer({ store: 'sqlite', config, clockStartMs: START_MS });
    const alice = await seedCredential(server);
    const used = headerAt(alice, START_MS);
    expect((await call(used)).status).toBe(200);

    // The clock steps forward past the window and the sweep `keygate serve` runs comes by …
    server.clock.advance((LIFETIME_SECONDS + SKEW_SECONDS) * 1000);
    await server.store.nonces.purgeExpired(Math.floor(server.clock.now() / 1000));
    // … then the clock is put right again, to 0.5 s after the use.
    server.clock.set(START_MS + 500);
    expect((await call(headerAt(alice, START_MS))).status).toBe(200);
    await expectReplayRefused(used);
  });
});
