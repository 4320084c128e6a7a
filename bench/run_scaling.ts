/**
 * `npm run bench -- --store postgres`: keygate on a scratch PostgreSQL database and a shared
 * Redis (its own key prefix), measured with one process and with several processes sharing
 * them (S-2), for the `wsse` and `api_keys` scenarios, and the scaling ratio (n processes /
 * 1 process) per scenario (issue 5, performance). See `bench/README.md`, "PostgreSQL + Redis:
 * one and two processes".
 *
 * @packageDocumentation
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createUsernameTokenSync } from '@keygate/wsse/node';
import { CleanupStack } from './cleanup_stack.js';
import { collectRunFailures } from './collect_run_failures.js';
import { describeMachine } from './describe_machine.js';
import { formatReport } from './format_report.js';
import { apiKeysPayload, parseTokenBody, post } from './keygate_oauth.js';
import { apiKeysRequest, wsseMeRequest } from './load_requests.js';
import { log } from './log.js';
import { measureInRounds } from './measure_in_rounds.js';
import { median } from './median.js';
import { checkApiKeysGrant } from './oauth_preflight_checks.js';
import { checkKeygateAuthenticates, getMe } from './preflight_checks.js';
import { printCpuProfiles } from './print_cpu_profiles.js';
import type { BenchOptions, Scenario } from './read_bench_options.js';
import { listDatabaseBackends, startServiceCpuMeter } from './read_service_cpu.js';
import { openRedisNamespace, type RedisNamespace } from './redis_namespace.js';
import { reportFailures } from './report_failures.js';
import type { LoadRequest, LoadRunResult } from './run_load.js';
import { runSpreadLoad } from './run_spread_load.js';
import {
  createScratchPostgresDatabase,
  type DatabaseActivity,
  type ScratchPostgresDatabase,
} from './scratch_postgres_database.js';
import { startKeygateCluster } from './start_keygate_cluster.js';
import type { ServerProcess } from './start_server_process.js';
import { summarizeTarget, type TargetSummary } from './summarize_runs.js';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

/** Requests of the query-count probe, one at a time. */
const PROBE_REQUESTS = 200;
/**
 * PostgreSQL 15 backends publish their statistics at most once a second while busy, and an
 * idle backend's last ones after 10 s: wait this long before reading the counters.
 */
const STATS_SETTLE_MS = 11_000;

/** CPU of the shared services during one run, in percent of one core. */
interface ServiceCpu {
  /** The scratch database's backends. */
  readonly postgresPercent: number;
  /** The whole Redis server (others' commands included). */
  readonly redisPercent: number | null;
}

/** One thing measured: a scenario against a number of processes. */
interface Target {
  readonly name: string;
  readonly scenario: Scenario;
  readonly processes: number;
  readonly servers: readonly ServerProcess[];
  readonly request: LoadRequest;
  readonly warmup: LoadRunResult[];
  readonly runs: LoadRunResult[];
  readonly services: ServiceCpu[];
}

/** What one request of a scenario costs the stores, measured on a quiet system. */
interface ProbeResult {
  readonly scenario: Scenario;
  readonly requests: number;
  readonly transactionsPerRequest: number;
  readonly rowsInsertedPerRequest: number;
  readonly rowsUpdatedPerRequest: number;
  readonly rowsReadPerRequest: number;
  /** Upper bound: the Redis server is shared. */
  readonly redisCommandsPerRequest: number;
  /** The same by command name (those above 0.01 per request). */
  readonly redisCommandsByName: Record<string, number>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function targetName(scenario: Scenario, processes: number): string {
  return `${scenario} ×${processes}`;
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
 * Sends `PROBE_REQUESTS` requests one at a time to one process and reads what PostgreSQL and
 * Redis counted meanwhile, after letting PostgreSQL publish its statistics.
 * @param before - the database's counters, read after they settled.
 * @returns the probe and the counters after it (settled), for the next probe.
 * @throws Error when a request is not answered 2xx.
 */
async function probeStoreWork(
  scenario: Scenario,
  send: () => Promise<number>,
  database: ScratchPostgresDatabase,
  redis: RedisNamespace,
  before: DatabaseActivity,
): Promise<{ probe: ProbeResult; after: DatabaseActivity }> {
  const commandsBefore = await redis.commandCounts();
  for (let i = 0; i < PROBE_REQUESTS; i++) {
    const status = await send();
    if (status < 200 || status > 299) {
      throw new Error(`${scenario} probe request ${i + 1} answered ${status}`);
    }
  }
  const commandsAfter = await redis.commandCounts();
  const redisCommandsByName: Record<string, number> = {};
  let commands = 0;
  for (const [name, calls] of Object.entries(commandsAfter)) {
    // Minus the INFO command that read the counters before.
    const delta = calls - (commandsBefore[name] ?? 0) - (name === 'info' ? 1 : 0);
    commands += delta;
    if (delta / PROBE_REQUESTS >= 0.01) redisCommandsByName[name] = delta / PROBE_REQUESTS;
  }
  await sleep(STATS_SETTLE_MS);
  const after = await database.activity();
  const per = (a: number, b: number) => (a - b) / PROBE_REQUESTS;
  return {
    probe: {
      scenario,
      requests: PROBE_REQUESTS,
      transactionsPerRequest: per(after.transactions, before.transactions),
      rowsInsertedPerRequest: per(after.rowsInserted, before.rowsInserted),
      rowsUpdatedPerRequest: per(after.rowsUpdated, before.rowsUpdated),
      rowsReadPerRequest: per(after.rowsRead, before.rowsRead),
      redisCommandsPerRequest: commands / PROBE_REQUESTS,
      redisCommandsByName,
    },
    after,
  };
}

function formatScaling(targets: readonly Target[], summaries: Map<string, TargetSummary>) {
  const lines: string[] = [];
  const scenarios = [...new Set(targets.map((target) => target.scenario))];
  const counts = [...new Set(targets.map((target) => target.processes))];
  const single = counts[0];
  for (const scenario of scenarios) {
    const one = single === undefined ? undefined : summaries.get(targetName(scenario, single));
    for (const count of counts.slice(1)) {
      const many = summaries.get(targetName(scenario, count));
      if (!one || !many) continue;
      const ratio = many.medianRequestsPerSecond / one.medianRequestsPerSecond;
      const perRound = many.runs.map((run, i) => {
        const base = one.runs[i];
        return base ? (run.requestsPerSecond / base.requestsPerSecond).toFixed(2) : 'n/a';
      });
      const micros = (summary: TargetSummary) =>
        summary.medianServerCpuMicrosPerRequest?.toFixed(0) ?? 'n/a';
      lines.push(
        `scaling ${scenario} (${count} processes / ${single} process${single === 1 ? '' : 'es'}): ${ratio.toFixed(2)}` +
          `   per round: ${perRound.join(' / ')}` +
          `   keygate CPU µs/req: ${micros(one)} → ${micros(many)}`,
      );
    }
  }
  return lines.join('\n');
}

/** What the rest of the machine used in a run, PostgreSQL and Redis taken out. */
function restCpu(run: LoadRunResult, services: ServiceCpu | undefined): number | null {
  if (run.otherCpuPercent === null || !services) return null;
  return Math.max(0, run.otherCpuPercent - services.postgresPercent - (services.redisPercent ?? 0));
}

/**
 * Per target: median share of one core used by keygate, the scratch database's backends,
 * Redis, the load generator and the rest; then the CPU time all of the benchmark's own
 * processes spent per request, and the req/s at which that would fill every CPU.
 */
function formatCpuTable(
  targets: readonly Target[],
  summaries: Map<string, TargetSummary>,
  cpuCount: number,
) {
  const percent = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(0)}%`);
  const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const rows = [
    [
      'where the CPU went (median)',
      'keygate',
      'PostgreSQL',
      'Redis',
      'load gen',
      'rest (max)',
      'all CPU µs/req',
      `req/s filling ${cpuCount} CPUs`,
    ],
  ];
  for (const target of targets) {
    const summary = summaries.get(target.name);
    if (!summary) continue;
    const postgres = median(target.services.map((s) => s.postgresPercent));
    const redisValues = target.services.map((s) => s.redisPercent);
    const redis = redisValues.every((v) => v !== null) ? median(redisValues as number[]) : null;
    rows.push([
      target.name,
      percent(summary.medianServerCpuPercent),
      percent(postgres),
      percent(redis),
      percent(summary.medianClientCpuPercent),
      percent(summary.maxOtherCpuPercent),
      ...(() => {
        const server = summary.medianServerCpuPercent;
        if (server === null) return ['n/a', 'n/a'];
        const total = server + postgres + (redis ?? 0) + summary.medianClientCpuPercent;
        const micros = ((total / 100) * 1e6) / summary.medianRequestsPerSecond;
        return [integer.format(micros), integer.format((cpuCount * 1e6) / micros)];
      })(),
    ]);
  }
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((cells) =>
      cells
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
        .join('  '),
    )
    .join('\n');
}

function formatProbes(probes: readonly ProbeResult[]): string {
  return probes
    .map(
      (p) =>
        `per ${p.scenario} request (${p.requests} sent one at a time): ` +
        `PostgreSQL ${p.transactionsPerRequest.toFixed(2)} transactions, ` +
        `${p.rowsReadPerRequest.toFixed(1)} rows read, ${p.rowsInsertedPerRequest.toFixed(2)} inserted, ` +
        `${p.rowsUpdatedPerRequest.toFixed(2)} updated; Redis ≤ ${p.redisCommandsPerRequest.toFixed(2)} commands` +
        ` (${Object.entries(p.redisCommandsByName)
          .map(([name, calls]) => `${name} ${calls.toFixed(2)}`)
          .join(', ')}; commands run inside a Lua script count too)`,
    )
    .join('\n');
}

/**
 * Runs the PostgreSQL + Redis variant: scratch database and Redis prefix, as many keygate
 * processes as the largest count in `options.processes`, pre-flight checks (each process
 * authenticates and refuses a replay; a header or payload accepted by one process is refused
 * by another), a probe of the store work per request, warm-up, then the targets in turn
 * (`wsse ×1`, `wsse ×2`, `api_keys ×1`, `api_keys ×2`, repeated), the load of an n-process
 * target spread evenly over the first n processes. Prints the table, the scaling ratios and
 * where the CPU went, and writes `bench/results/<timestamp>-postgres.json`.
 * @returns the exit code: 1 when a correctness check failed.
 */
export async function runScaling(options: BenchOptions): Promise<number> {
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const profileDir = options.cpuProf ? join(RESULTS_DIR, `cpu-${stamp}`) : null;
  const counts = options.processes;
  const maxProcesses = Math.max(...counts);
  const machine = describeMachine();
  const cpuCount = machine.cpus;
  const cleanup = new CleanupStack();
  cleanup.exitOnSignals();
  try {
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
        nodeFlags: (index) =>
          profileDir
            ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, `keygate-${index + 1}`)}`]
            : [],
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
        return typeof parseTokenBody(answer.body)?.access_token === 'string' ? answer.status : 599;
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
        scenario === 'wsse'
          ? wsseMeRequest(wsseHeader, principalBody)
          : apiKeysRequest(makePayload);
      for (const count of counts) {
        targets.push({
          name: targetName(scenario, count),
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
    process.stdout.write(`${report.join('\n')}\n`);

    await mkdir(RESULTS_DIR, { recursive: true });
    const resultFile = join(RESULTS_DIR, `${stamp}-postgres.json`);
    await writeFile(
      resultFile,
      `${JSON.stringify(
        {
          startedAt: startedAt.toISOString(),
          finishedAt: new Date().toISOString(),
          options,
          machine,
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
          cpuProfiles: profileDir,
        },
        null,
        2,
      )}\n`,
    );
    process.stdout.write(`results: ${resultFile}\n`);

    if (profileDir) {
      await cleanup.runAll();
      await printCpuProfiles(
        Array.from({ length: maxProcesses }, (_, i) => ({
          label: `keygate#${i + 1}`,
          dir: join(profileDir, `keygate-${i + 1}`),
        })),
      );
    }
    return reportFailures(failures);
  } finally {
    await cleanup.runAll();
  }
}
