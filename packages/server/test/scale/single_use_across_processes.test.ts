import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, type TestResponse } from '../support/http_client.js';
import { type KeygateCluster, startKeygateCluster } from '../support/keygate_cluster.js';
import { requireRedisServerBinary } from '../support/redis_server.js';
import { requirePostgres } from '../support/scratch_postgres.js';
import { postToken } from '../support/token_client.js';

const available = (await requirePostgres()) && requireRedisServerBinary();

/** `count` requests, alternating between the servers, all started before any is awaited. */
function acrossBoth<T>(
  servers: readonly { url: string }[],
  count: number,
  send: (server: { url: string }) => Promise<T>,
): Promise<T[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) => {
      const server = servers[i % servers.length];
      if (!server) throw new Error('no server');
      return send(server);
    }),
  );
}

function statuses(responses: readonly TestResponse[]): number[] {
  return responses.map((r) => r.status);
}

/**
 * Issue 5, acceptance 2 (S-2): two `keygate serve` processes on different ports sharing one
 * PostgreSQL database and one Redis. Every single-use rule holds across them: a WSSE nonce
 * (W-6), an api_keys grant body (O-8, same replay store), an authorization code (O-5) and a
 * refresh token (O-9) each have exactly one winner, and the losers get a 4xx, never a 5xx.
 */
describe.runIf(available)('single use across two keygate processes', () => {
  let cluster: KeygateCluster;
  beforeAll(async () => {
    cluster = await startKeygateCluster(2);
  }, 120_000);
  afterAll(async () => {
    await cluster?.dispose();
  });

  it('runs two processes on different ports', () => {
    const [a, b] = cluster.servers;
    expect(a?.url).toBeDefined();
    expect(new URL(a?.url ?? '').port).not.toBe(new URL(b?.url ?? '').port);
  });

  it('the same X-WSSE header sent to both at once: exactly one 200, each time (W-6)', async () => {
    for (let round = 0; round < 5; round += 1) {
      const header = cluster.wsseHeader();
      const responses = await acrossBoth(cluster.servers, 20, (server) =>
        get(`${server.url}/api/v1/me`, { 'X-WSSE': header }),
      );
      expect(statuses(responses).filter((s) => s === 200)).toHaveLength(1);
      for (const response of responses.filter((r) => r.status !== 200)) {
        expect(response.status, response.text).toBe(401);
        expect(response.json).toMatchObject({ error: 'nonce_replayed' });
      }
    }
  });

  it('the same api_keys grant body sent to both: exactly one token (O-8, W-6)', async () => {
    for (let round = 0; round < 3; round += 1) {
      const body = cluster.apiKeysBody();
      const responses = await acrossBoth(cluster.servers, 20, (server) => postToken(server, body));
      const winners = responses.filter((r) => r.status === 200);
      expect(winners).toHaveLength(1);
      expect(winners[0]?.json).toMatchObject({ access_token: expect.any(String) });
      for (const response of responses.filter((r) => r.status !== 200)) {
        expect(response.status, response.text).toBe(400);
        expect(response.json).toMatchObject({ error: 'invalid_grant' });
      }
    }
  });

  it('the same authorization code redeemed across both: exactly one token pair (O-5)', async () => {
    const [a] = cluster.servers;
    if (!a) throw new Error('no server');
    const grant = await cluster.authorizationCode(a);
    const responses = await acrossBoth(cluster.servers, 20, (server) =>
      cluster.redeemCode(server, grant),
    );
    const winners = responses.filter((r) => r.status === 200);
    expect(winners, JSON.stringify(statuses(responses))).toHaveLength(1);
    expect(winners[0]?.json).toMatchObject({ refresh_token: expect.any(String) });
    for (const response of responses.filter((r) => r.status !== 200)) {
      expect(response.status, response.text).toBe(400);
      expect(response.json).toMatchObject({ error: 'invalid_grant' });
    }
  });

  it('the same refresh token redeemed 50 times across both: exactly one new pair, no 5xx (O-9)', async () => {
    const [a, b] = cluster.servers;
    if (!a || !b) throw new Error('no server');
    const issued = await cluster.redeemCode(b, await cluster.authorizationCode(a));
    expect(issued.status, issued.text).toBe(200);
    // A token pair from one process is good at the other (shared issuer, keys and rows).
    const bearer = await get(`${a.url}/api/v1/me`, {
      authorization: `Bearer ${String((issued.json as Record<string, unknown>).access_token)}`,
    });
    expect(bearer.status, bearer.text).toBe(200);
    const moved = await cluster.refresh(
      a,
      String((issued.json as Record<string, unknown>).refresh_token),
    );
    expect(moved.status, moved.text).toBe(200);
    const refreshToken = String((moved.json as Record<string, unknown>).refresh_token);
    const [before] = await cluster.database.query<{ n: string }>(
      'select count(*) as n from refresh_tokens',
    );

    const responses = await acrossBoth(cluster.servers, 50, (server) =>
      cluster.refresh(server, refreshToken),
    );
    const winners = responses.filter((r) => r.status === 200);
    expect(winners, JSON.stringify(statuses(responses))).toHaveLength(1);
    expect(winners[0]?.json).toMatchObject({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
    });
    for (const response of responses.filter((r) => r.status !== 200)) {
      expect(response.status, response.text).toBe(400);
      expect(response.json).toMatchObject({ error: 'invalid_grant' });
    }
    // One successor row in the database, and the redeemed token points at it alone.
    const [after] = await cluster.database.query<{ n: string }>(
      'select count(*) as n from refresh_tokens',
    );
    expect(Number(after?.n) - Number(before?.n)).toBe(1);
    const successors = await cluster.database.query<{ successor_jti: string | null }>(
      'select successor_jti from refresh_tokens where successor_jti is not null',
    );
    expect(new Set(successors.map((r) => r.successor_jti)).size).toBe(successors.length);
  });
});
