import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, type TestResponse } from '../support/http_client.js';
import {
  type ClusterApiKey,
  type KeygateCluster,
  startKeygateCluster,
} from '../support/keygate_cluster.js';
import { runKeygate } from '../support/keygate_process.js';
import { requireRedisServerBinary } from '../support/redis_server.js';
import { requirePostgres } from '../support/scratch_postgres.js';
import { postToken } from '../support/token_client.js';
import { waitUntil } from '../support/wait_until.js';

const available = (await requirePostgres()) && requireRedisServerBinary();

/** R-3's bound: what is revoked anywhere stops working on keygate's routes within 5 s. */
const R3_BOUND_MS = 5_000;

/**
 * Hardening item 5 (R-3) across processes: two `keygate serve` processes on one PostgreSQL
 * database; the `keygate` CLI, a third process, revokes or resets the API key, or changes the
 * user's password. Tokens made at the first process are then refused at both within R-3's
 * 5 s (polled, no other timing asserted).
 */
describe.runIf(available)('revocation across keygate processes (PostgreSQL)', () => {
  let cluster: KeygateCluster;
  let cliDir: string;
  beforeAll(async () => {
    cluster = await startKeygateCluster(2);
    cliDir = await mkdtemp(join(tmpdir(), 'keygate-revocation-cli-'));
  }, 120_000);
  afterAll(async () => {
    await cluster?.dispose();
    if (cliDir) await rm(cliDir, { recursive: true, force: true });
  });

  const servers = () => cluster.servers.map((server) => ({ url: server.url }));
  const first = () => servers()[0] ?? { url: '' };

  async function keygate(args: readonly string[], input?: string) {
    const result = await runKeygate([...args, '--json'], {
      env: { ...cluster.env, KEYGATE_DATA_DIR: cliDir },
      ...(input === undefined ? {} : { input }),
    });
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  }

  /** An api_keys access token and a legacy JWT from WSSE, both made at the first process. */
  async function derivedTokens(
    credential: ClusterApiKey,
  ): Promise<{ bearer: string; legacy: string }> {
    const issued = await postToken(first(), cluster.apiKeysBody(credential), { json: true });
    expect(issued.status, issued.text).toBe(200);
    const exchanged = await get(`${first().url}/api/v1/auth/token`, {
      'X-WSSE': cluster.wsseHeader(credential),
    });
    expect(exchanged.status, exchanged.text).toBe(200);
    return {
      bearer: (issued.json as { access_token: string }).access_token,
      legacy: (exchanged.json as { token: string }).token,
    };
  }

  /** GET /api/v1/me with `headers` at every process. */
  const meEverywhere = (headers: Record<string, string>): Promise<TestResponse[]> =>
    Promise.all(servers().map((server) => get(`${server.url}/api/v1/me`, headers)));

  async function expectRefusedEverywhere(what: string, headers: Record<string, string>) {
    await waitUntil(
      what,
      async () => (await meEverywhere(headers)).every((response) => response.status === 401),
      { deadlineMs: R3_BOUND_MS },
    );
  }

  it('apikey reset, then revoke: tokens made from the key are refused at both processes', async () => {
    const old = await derivedTokens(cluster.apiKey);
    const presented: Record<string, string>[] = [
      { authorization: `Bearer ${old.bearer}` },
      { 'x-auth-token': old.legacy },
    ];
    for (const headers of presented) {
      expect((await meEverywhere(headers)).map((r) => r.status)).toEqual([200, 200]);
    }

    const reset = (await keygate(['apikey', 'reset', cluster.apiKey.key])) as {
      key: string;
      secret: string;
    };
    await expectRefusedEverywhere('the old access token to be refused', {
      authorization: `Bearer ${old.bearer}`,
    });
    await expectRefusedEverywhere('the old legacy JWT to be refused', {
      'x-auth-token': old.legacy,
    });

    const fresh = await derivedTokens(reset);
    expect(
      (await meEverywhere({ authorization: `Bearer ${fresh.bearer}` })).map((r) => r.status),
    ).toEqual([200, 200]);

    await keygate(['apikey', 'revoke', cluster.apiKey.key]);
    await expectRefusedEverywhere('the access token to be refused', {
      authorization: `Bearer ${fresh.bearer}`,
    });
    await expectRefusedEverywhere('the legacy JWT to be refused', { 'x-auth-token': fresh.legacy });
  });

  it('user set-password: the refresh token is invalid_grant at the other process', async () => {
    const grant = await cluster.authorizationCode(first());
    const redeemed = await cluster.redeemCode(first(), grant);
    expect(redeemed.status, redeemed.text).toBe(200);
    const { refresh_token: refreshToken } = redeemed.json as { refresh_token: string };

    const changed = await keygate(
      ['user', 'set-password', cluster.user.login, '--password-stdin'],
      'a whole new passphrase',
    );
    expect(changed).toMatchObject({ revoked_token_families: 1 });

    const other = servers()[1] ?? { url: '' };
    const refused = await cluster.refresh(other, refreshToken);
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ error: 'invalid_grant' });
  });
});
