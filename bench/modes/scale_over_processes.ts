/**
 * `npm run bench -- --store postgres`: keygate on a scratch PostgreSQL database and a shared
 * Redis (its own key prefix), measured with one process and with several processes sharing
 * them (S-2), for the `wsse` and `api_keys` scenarios, and the scaling ratio (n processes /
 * 1 process) per scenario. See `bench/README.md`, "PostgreSQL + Redis: one and two
 * processes".
 *
 * @packageDocumentation
 */
import { createUsernameTokenSync } from '@keygate/wsse/node';
import type { ModeContext, ModeOutcome } from '../lib/bench_mode.js';
import { collectRunFailures } from '../lib/collect_run_failures.js';
import { formatReport } from '../lib/format_report.js';
import {
  formatCpuTable,
  formatProbes,
  formatScaling,
  restCpu,
  type ScalingTarget,
  type ServiceCpu,
  scalingTargetName,
} from '../lib/format_scaling_report.js';
import { getMe, post, withAccessToken } from '../lib/http_answers.js';
import { log } from '../lib/log.js';
import { measureInRounds } from '../lib/measure_in_rounds.js';
import {
  PROBE_REQUESTS,
  type ProbeResult,
  probeStoreWork,
  STATS_SETTLE_MS,
  sleep,
} from '../lib/probe_store_work.js';
import type { Scenario } from '../lib/read_bench_options.js';
import { listDatabaseBackends, startServiceCpuMeter } from '../lib/read_service_cpu.js';
import { openRedisNamespace } from '../lib/redis_namespace.js';
import type { LoadRequest, LoadRunResult } from '../lib/run_load.js';
import { runSpreadLoad } from '../lib/run_spread_load.js';
import { createScratchPostgresDatabase } from '../lib/scratch_postgres_database.js';
import { summarizeTarget } from '../lib/summarize_runs.js';
import { apiKeysPayload, apiKeysRequest, checkApiKeysGrant } from '../scenarios/api_keys.js';
import { checkKeygateAuthenticates, wsseMeRequest } from '../scenarios/wsse.js';
import { startKeygateCluster } from '../servers/start_keygate_cluster.js';
import type { ServerProcess } from '../servers/start_server_process.js';

/** One thing measured: a scenario against the first `processes` processes. */
interface Target extends ScalingTarget {
  readonly servers: readonly ServerProcess[];
  readonly request: LoadRequest;
  readonly warmup: LoadRunResult[];
  readonly runs: LoadRunResult[];
  readonly services: ServiceCpu[];
}

/**
 * The replay store is shared (S-2, W-6, O-8): what one process accepted, another refuses.
 * @returns how many nonces the check consumed.
 * @throws Error when a second process accepts a header or payload the first one accepted.
 */
async function checkSharedReplayStore(
  servers: readonly ServerProcess[],
  wsseHeader: () => string,
  makePayload: (() => string) | null,
): Promise<number> {
  const [first, second] = servers;
  if (!first || !second) return 0;
  const header = wsseHeader();
  const accepted = await getMe(first.url, { 'x-wsse': header });
  const replayed = await getMe(second.url, { 'x-wsse': header });
  if (accepted.status !== 200 || replayed.status !== 401) {
    throw new Error(
      `one X-WSSE header sent to ${first.name} then ${second.name} answered ${accepted.status} then ${replayed.status}; expected 200 then 401`,
    );
  }
  if (makePayload === null) return 1;
  const payload = makePayload();
  const granted = await post(`${first.url}/oauth/token`, payload, 'application/json');
  const again = await post(`${second.url}/oauth/token`, payload, 'application/json');
  if (granted.status !== 200 || again.status !== 400) {
    throw new Error(
      `one api_keys payload sent to ${first.name} then ${second.name} answered ${granted.status} then ${again.status}; expected 200 then 400`,
    );
  }
  return 2;
}

/**
 * Runs the PostgreSQL + Redis variant: scratch database and Redis prefix, as many keygate
 * processes as the largest count in `options.processes`, pre-flight checks (each process
 * authenticates and refuses a replay; a header or payload accepted by one process is refused
 * by another), a probe of the store work per request, warm-up, then the targets in turn
 * (`wsse ×1`, `wsse ×2`, `api_keys ×1`, `api_keys ×2`, repeated), the load of an n-process
 * target spread evenly over the first n processes.
 * @returns the table, the scaling ratios, where the CPU went and the store work per request;
 *   a failure for every correctness check that failed.
 */
export async function scaleOverProcesses(context: ModeContext): Promise<ModeOutcome> {
  const { options, cleanup, machine } = context;
  const counts = options.processes;
  const maxProcesses = Math.max(...counts);
  const cpuCount = machine.cpus;
  log(
    `store: PostgreSQL + Redis; scenarios: ${options.scenarios.join(', ')}; processes: ${counts.join(', ')}; ${cpuCount} CPUs`,
  );
  if (options.scenarios.length === 0) throw new Error('no scenario to measure');
  const database = await createScratchPostgresDatabase(cleanup);
  const redis = await openRedisNamespace(cleanup);
  log(`scratch database ${database.name}, Redis key prefix ${redis.prefix}`);
  log(`starting ${maxProcesses} keygate process(es) (keygate migrate, then keygate serve)…`);
  const cluster = await startKeygateCluster(
    cleanup,
    { databaseUrl: database.url, redisUrl: redis.keygateUrl },
    {
      processes: maxProcesses,
      nodeFlags: (index) => context.nodeFlags(`keygate-${index + 1}`),
    },
  );
  const { servers, apiKey } = cluster;
  const wsseHeader = () =>
    createUsernameTokenSync({ username: apiKey.key, secret: apiKey.secret }).header;
  const makePayload = () => apiKeysPayload(cluster.client, apiKey);
  const measuresApiKeys = options.scenarios.includes('api_keys');

  // Pre-flight: every process authenticates, refuses a replay, and shares the replay store.
  let checkNonces = 0;
  let principalBody = '';
  for (const server of servers) {
    const body = await checkKeygateAuthenticates(server.url, wsseHeader, apiKey.key);
    if (principalBody !== '' && body !== principalBody) {
      throw new Error(`${server.name} answered a different principal`);
    }
    principalBody = body;
    checkNonces += 1;
    if (measuresApiKeys) {
      await checkApiKeysGrant(`${server.url}/oauth/token`, makePayload);
      checkNonces += 1;
    }
  }
  checkNonces += await checkSharedReplayStore(
    servers,
    wsseHeader,
    measuresApiKeys ? makePayload : null,
  );
  const preflightNonces = await redis.countNonces();
  if (preflightNonces < checkNonces) {
    throw new Error(
      `after ${checkNonces} accepted pre-flight requests Redis holds ${preflightNonces} nonces under ${redis.prefix}: keygate does not write where the benchmark counts`,
    );
  }

  // What one request costs the stores, on an otherwise quiet keygate.
  const first = servers[0] as ServerProcess;
  const senders: Record<Scenario, (() => Promise<number>) | null> = {
    wsse: async () => (await getMe(first.url, { 'x-wsse': wsseHeader() })).status,
    api_keys: async () => {
      const answer = await post(`${first.url}/oauth/token`, makePayload(), 'application/json');
      return withAccessToken(answer.body) !== null ? answer.status : 599;
    },
    bearer: null,
    refresh_token: null,
  };
  log(
    `probing the store work per request (${PROBE_REQUESTS} requests per scenario, one at a time)…`,
  );
  await sleep(STATS_SETTLE_MS);
  let activity = await database.activity();
  const probes: ProbeResult[] = [];
  for (const scenario of options.scenarios) {
    const send = senders[scenario];
    if (!send) continue;
    const { probe, after } = await probeStoreWork(scenario, send, database, redis, activity);
    probes.push(probe);
    activity = after;
    checkNonces += PROBE_REQUESTS;
  }

  const targets: Target[] = [];
  for (const scenario of options.scenarios) {
    const request =
      scenario === 'wsse' ? wsseMeRequest(wsseHeader, principalBody) : apiKeysRequest(makePayload);
    for (const count of counts) {
      targets.push({
        name: scalingTargetName(scenario, count),
        scenario,
        processes: count,
        servers: servers.slice(0, count),
        request,
        warmup: [],
        runs: [],
        services: [],
      });
    }
  }
  const redisPid = await redis.serverPid();
  await measureInRounds(targets, options, async (target, seconds, phase) => {
    const postgresCpu = startServiceCpuMeter(() => listDatabaseBackends(database.name));
    const redisCpu = redisPid === null ? null : startServiceCpuMeter(() => [redisPid]);
    const wallBefore = process.hrtime.bigint();
    const run = await runSpreadLoad({
      servers: target.servers,
      request: target.request,
      connections: options.connections,
      pipelining: options.pipelining,
      durationSeconds: seconds,
    });
    const wall = Number(process.hrtime.bigint() - wallBefore) / 1e9;
    const services: ServiceCpu = {
      postgresPercent: (postgresCpu.seconds() / wall) * 100,
      redisPercent: redisCpu === null ? null : (redisCpu.seconds() / wall) * 100,
    };
    log(
      `  ${Math.round(run.requestsPerSecond)} req/s, 2xx ${run.ok2xx}, non-2xx ${run.non2xx}, errors ${run.errors + run.timeouts}, ` +
        `keygate CPU ${run.serverCpuPercent?.toFixed(0) ?? 'n/a'}%, PostgreSQL ${services.postgresPercent.toFixed(0)}%, ` +
        `Redis ${services.redisPercent?.toFixed(0) ?? 'n/a'}%, load generator ${run.clientCpuPercent.toFixed(0)}%`,
    );
    // Kept for the measured runs only, in step with `target.runs`.
    if (phase === 'round') target.services.push(services);
    return run;
  });

  const failures = collectRunFailures(targets);
  const accepted = targets
    .flatMap((target) => [...target.warmup, ...target.runs])
    .reduce((sum, run) => sum + run.ok2xx, checkNonces);
  // Every accepted WSSE header and api_keys payload consumed one nonce in the shared
  // replay store (W-6, O-8); they live for the header lifetime (an hour by default).
  const nonceRecords = await redis.countNonces();
  if (nonceRecords < accepted) {
    failures.push(
      `keygate answered ${accepted} WSSE/api_keys requests with 2xx but Redis holds only ${nonceRecords} consumed nonces under ${redis.prefix}`,
    );
  }

  // runLoad counts PostgreSQL and Redis as "other" work; here they are part of what is
  // measured, so the table's other CPU (and its disturbance note) is what is left.
  const summaries = new Map(
    targets.map((target) => [
      target.name,
      summarizeTarget(
        target.name,
        target.runs.map((run, i) => ({
          ...run,
          otherCpuPercent: restCpu(run, target.services[i]),
        })),
      ),
    ]),
  );
  const report = [
    `\nPostgreSQL + Redis, ${options.rounds} × ${options.durationSeconds} s per target, ${options.connections} connections in all ` +
      `(spread evenly over the processes), pipelining ${options.pipelining}` +
      `${options.cpuProf ? ' (CPU profiling on: figures are slowed down)' : ''}`,
    `machine: ${cpuCount} CPUs (${machine.cpuModel ?? 'unknown model'}), Node ${machine.node}; ` +
      'keygate processes, PostgreSQL, Redis and the load generator all share them',
    '',
    formatReport([...summaries.values()], []),
    formatScaling(targets, summaries),
    '',
    formatCpuTable(targets, summaries, cpuCount),
    '',
    formatProbes(probes),
    `nonces consumed in Redis (keys ${redis.prefix}keygate:nonce:*): ${nonceRecords} (2xx WSSE/api_keys answers incl. checks and probes: ${accepted})`,
  ];
  if (cpuCount <= maxProcesses) {
    report.push(
      `note: ${cpuCount} CPUs for ${maxProcesses} keygate processes, PostgreSQL, Redis and the load generator: the processes cannot each get a core, so the scaling ratio shows what this machine allows, not what the code allows.`,
    );
  }
  return {
    report: report.join('\n'),
    record: {
      stores: { database: database.name, redisPrefix: redis.prefix },
      targets: Object.fromEntries(
        targets.map((target) => [
          target.name,
          {
            processes: target.processes,
            method: target.request.method,
            path: target.request.path,
            warmup: target.warmup,
            runs: target.runs,
            services: target.services,
          },
        ]),
      ),
      medians: Object.fromEntries(
        [...summaries].map(([name, summary]) => [name, { ...summary, runs: undefined }]),
      ),
      probes,
      checks: { nonceRecords, accepted, failures },
    },
    failures,
  };
}
