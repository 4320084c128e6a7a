import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestResponse } from '../support/http_client.js';
import { type KeygateCluster, startKeygateCluster } from '../support/keygate_cluster.js';
import type { ServerProcess } from '../support/keygate_process.js';
import { requireRedisServerBinary } from '../support/redis_server.js';
import { requirePostgres } from '../support/scratch_postgres.js';
import { postToken } from '../support/token_client.js';
import { waitUntil } from '../support/wait_until.js';

const available = (await requirePostgres()) && requireRedisServerBinary();

const CHAINS = 6;
const API_KEY_WORKERS = 2;

/** The `jti` claim of a refresh token (a JWT, O-9); its row's primary key. */
function jtiOf(token: string): string {
  const payload = token.split('.')[1] ?? '';
  return String((JSON.parse(Buffer.from(payload, 'base64url').toString()) as { jti: unknown }).jti);
}

/** One request's outcome: a response, or the socket error a killed server leaves behind. */
type Outcome = { response: TestResponse } | { error: unknown };

async function attempt(send: () => Promise<TestResponse>): Promise<Outcome> {
  try {
    return { response: await send() };
  } catch (error) {
    return { error };
  }
}

/** A response a test would rather see than a bare status, when an expectation fails. */
function describeOutcome(outcome: Outcome): string {
  return 'response' in outcome
    ? `${outcome.response.status} ${outcome.response.text}`
    : `socket error ${String(outcome.error)}`;
}

/**
 * Issue 5, acceptance 4 (S-2, O-9): refresh-token chains and api_keys grants run against two
 * keygate processes sharing PostgreSQL and Redis; one process is SIGKILLed in the middle. The
 * other keeps serving (every request sent to it after the kill succeeds), no refresh token has
 * two successors, and every refresh token a client received is still a row: after the kill,
 * after more load, and after the killed process is started again.
 */
describe.runIf(available)('SIGKILL one of two keygate processes under load', () => {
  let cluster: KeygateCluster;
  beforeAll(async () => {
    cluster = await startKeygateCluster(2);
  }, 120_000);
  afterAll(async () => {
    await cluster?.dispose();
  });

  it('the survivor keeps serving; no refresh token forks; no committed row is lost', async () => {
    const [victim, survivor] = cluster.servers as [ServerProcess, ServerProcess];
    /** Which servers a new request may go to: both until the kill, then the survivor. */
    let targets: ServerProcess[] = [victim, survivor];
    let killed = false;
    let stopping = false;
    /** jti of every refresh token a client received in a 200. */
    const received = new Set<string>();
    /** Requests sent after the kill, all to the survivor, and how they ended. */
    const afterKill: Outcome[] = [];
    /** Responses with a 5xx, wherever and whenever. */
    const serverErrors: string[] = [];
    const refreshesAfterKill = new Array<number>(CHAINS).fill(0);
    const grantsAfterKill = new Array<number>(API_KEY_WORKERS).fill(0);
    let requestsBeforeKill = 0;
    const refusedBeforeKill: string[] = [];

    function record(outcome: Outcome, sentAfterKill: boolean): void {
      if ('response' in outcome && outcome.response.status >= 500) {
        serverErrors.push(describeOutcome(outcome));
      }
      if (sentAfterKill) afterKill.push(outcome);
      else {
        requestsBeforeKill += 1;
        // Before the kill every request is answered, and answered with success.
        if ('response' in outcome && outcome.response.status !== 200) {
          refusedBeforeKill.push(describeOutcome(outcome));
        }
      }
    }

    // Each chain starts a family with a code flow, then redeems its latest refresh token in
    // turn at either process. A request cut off by the kill leaves its token's fate unknown to
    // the client (the victim may have committed the rotation), so the chain starts a new family.
    async function chain(index: number): Promise<void> {
      let step = index;
      while (!stopping) {
        const startedAfterKill = killed;
        const start = targets[step % targets.length] as ServerProcess;
        step += 1;
        let issued: TestResponse;
        try {
          issued = await cluster.redeemCode(start, await cluster.authorizationCode(start));
        } catch (error) {
          if (startedAfterKill) throw error;
          continue;
        }
        if (issued.status !== 200) throw new Error(`code exchange: ${issued.text}`);
        let token = String((issued.json as Record<string, unknown>).refresh_token);
        received.add(jtiOf(token));
        for (; !stopping; step += 1) {
          const sentAfterKill = killed;
          const server = targets[step % targets.length] as ServerProcess;
          const outcome = await attempt(() => cluster.refresh(server, token));
          record(outcome, sentAfterKill);
          if (!('response' in outcome)) break;
          if (outcome.response.status !== 200) return;
          token = String((outcome.response.json as Record<string, unknown>).refresh_token);
          received.add(jtiOf(token));
          if (sentAfterKill) refreshesAfterKill[index] = (refreshesAfterKill[index] ?? 0) + 1;
        }
      }
    }

    async function apiKeysWorker(index: number): Promise<void> {
      for (let step = 0; !stopping; step += 1) {
        const sentAfterKill = killed;
        const server = targets[(index + step) % targets.length] as ServerProcess;
        const outcome = await attempt(() => postToken(server, cluster.apiKeysBody()));
        record(outcome, sentAfterKill);
        if (sentAfterKill && 'response' in outcome && outcome.response.status === 200) {
          grantsAfterKill[index] = (grantsAfterKill[index] ?? 0) + 1;
        }
      }
    }

    async function missingRows(): Promise<string[]> {
      const jtis = [...received];
      const rows = await cluster.database.query<{ jti: string }>(
        'select jti from refresh_tokens where jti = any($1::text[])',
        [jtis],
      );
      const present = new Set(rows.map((r) => r.jti));
      return jtis.filter((jti) => !present.has(jti));
    }

    let failed = false;
    const load = Promise.all(
      [
        ...Array.from({ length: CHAINS }, (_, i) => chain(i)),
        ...Array.from({ length: API_KEY_WORKERS }, (_, i) => apiKeysWorker(i)),
      ].map((worker) =>
        worker.catch((error: unknown) => {
          failed = true;
          throw error;
        }),
      ),
    );
    try {
      // Let the load get going on both processes, then kill one in the middle of it.
      // A worker that failed ends the wait at once; the assertions below then say why.
      await waitUntil(
        'load on both processes',
        async () => failed || refusedBeforeKill.length > 0 || received.size >= CHAINS * 4,
        { deadlineMs: 60_000 },
      );
      expect(refusedBeforeKill).toEqual([]);
      expect(failed).toBe(false);
      expect(await missingRows()).toEqual([]);
      targets = [survivor];
      killed = true;
      await victim.stop('SIGKILL');

      await waitUntil(
        'more load on the survivor',
        async () =>
          failed ||
          afterKill.some((o) => !('response' in o) || o.response.status !== 200) ||
          (refreshesAfterKill.every((n) => n >= 3) && grantsAfterKill.every((n) => n >= 5)),
        { deadlineMs: 60_000 },
      );
    } finally {
      stopping = true;
      await load;
    }

    expect(requestsBeforeKill).toBeGreaterThan(0);
    expect(serverErrors).toEqual([]);
    expect(refusedBeforeKill).toEqual([]);
    // Everything sent after the kill went to the survivor and succeeded.
    expect(afterKill.length).toBeGreaterThan(0);
    const failedAfterKill = afterKill.filter(
      (o) => !('response' in o) || o.response.status !== 200,
    );
    expect(failedAfterKill.map(describeOutcome)).toEqual([]);

    // No committed row lost: every refresh token a client received is a row.
    expect(await missingRows()).toEqual([]);
    const [{ n: rowsAfterLoad } = { n: '0' }] = await cluster.database.query<{ n: string }>(
      'select count(*) as n from refresh_tokens',
    );
    expect(Number(rowsAfterLoad)).toBeGreaterThanOrEqual(received.size);

    // No fork: each token names at most one successor (one column), no token is named twice,
    // every named successor exists, and each family is one chain with a single root.
    const namedTwice = await cluster.database.query(
      `select successor_jti from refresh_tokens where successor_jti is not null
        group by successor_jti having count(*) > 1`,
    );
    expect(namedTwice).toEqual([]);
    const danglingSuccessors = await cluster.database.query(
      `select r.jti from refresh_tokens r
        where r.successor_jti is not null
          and not exists (select 1 from refresh_tokens s where s.jti = r.successor_jti)`,
    );
    expect(danglingSuccessors).toEqual([]);
    const forkedFamilies = await cluster.database.query<{ family_id: string; roots: string }>(
      `select r.family_id, count(*) as roots from refresh_tokens r
        where not exists (select 1 from refresh_tokens p where p.successor_jti = r.jti)
        group by r.family_id having count(*) <> 1`,
    );
    expect(forkedFamilies).toEqual([]);
    const consumedWithoutSuccessor = await cluster.database.query(
      `select jti from refresh_tokens where (consumed_at is null) <> (successor_jti is null)`,
    );
    expect(consumedWithoutSuccessor).toEqual([]);

    // The killed process starts again on the same database: nothing is lost, and it serves.
    const restarted = await cluster.restart(0);
    const [{ n: rowsAfterRestart } = { n: '0' }] = await cluster.database.query<{ n: string }>(
      'select count(*) as n from refresh_tokens',
    );
    expect(rowsAfterRestart).toBe(rowsAfterLoad);
    expect(await missingRows()).toEqual([]);
    const grant = await postToken(restarted, cluster.apiKeysBody());
    expect(grant.status, grant.text).toBe(200);
    const fresh = await cluster.redeemCode(restarted, await cluster.authorizationCode(restarted));
    expect(fresh.status, fresh.text).toBe(200);
    const next = await cluster.refresh(
      survivor,
      String((fresh.json as Record<string, unknown>).refresh_token),
    );
    expect(next.status, next.text).toBe(200);
  }, 180_000);
});
