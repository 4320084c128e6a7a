import { formatInteger, formatPercent, formatTable } from './format_table.js';
import { median } from './median.js';
import type { ProbeResult } from './probe_store_work.js';
import type { Scenario } from './read_bench_options.js';
import type { LoadRunResult } from './run_load.js';
import type { TargetSummary } from './summarize_runs.js';

/** CPU of the shared services during one run, in percent of one core. */
export interface ServiceCpu {
  /** The scratch database's backends. */
  readonly postgresPercent: number;
  /** The whole Redis server (others' commands included). */
  readonly redisPercent: number | null;
}

/** One thing measured in the scaling mode: a scenario against a number of processes. */
export interface ScalingTarget {
  /** {@link scalingTargetName} of its scenario and process count. */
  readonly name: string;
  readonly scenario: Scenario;
  readonly processes: number;
  /** The shared services' CPU of every measured run, in step with its runs. */
  readonly services: readonly ServiceCpu[];
}

/** `wsse ×2`: the name of a scenario measured against `processes` processes. */
export function scalingTargetName(scenario: Scenario, processes: number): string {
  return `${scenario} ×${processes}`;
}

/** What the rest of the machine used in a run, PostgreSQL and Redis taken out. */
export function restCpu(run: LoadRunResult, services: ServiceCpu | undefined): number | null {
  if (run.otherCpuPercent === null || !services) return null;
  return Math.max(0, run.otherCpuPercent - services.postgresPercent - (services.redisPercent ?? 0));
}

/**
 * One line per scenario and process count above the smallest: the scaling ratio (median
 * req/s of n processes over that of the smallest count), per round, and keygate's CPU µs per
 * request on both sides.
 */
export function formatScaling(
  targets: readonly ScalingTarget[],
  summaries: ReadonlyMap<string, TargetSummary>,
): string {
  const lines: string[] = [];
  const scenarios = [...new Set(targets.map((target) => target.scenario))];
  const counts = [...new Set(targets.map((target) => target.processes))];
  const single = counts[0];
  for (const scenario of scenarios) {
    const one =
      single === undefined ? undefined : summaries.get(scalingTargetName(scenario, single));
    for (const count of counts.slice(1)) {
      const many = summaries.get(scalingTargetName(scenario, count));
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

/**
 * Per target: median share of one core used by keygate, the scratch database's backends,
 * Redis, the load generator and the rest; then the CPU time all of the benchmark's own
 * processes spent per request, and the req/s at which that would fill every CPU.
 */
export function formatCpuTable(
  targets: readonly ScalingTarget[],
  summaries: ReadonlyMap<string, TargetSummary>,
  cpuCount: number,
): string {
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
    const server = summary.medianServerCpuPercent;
    let perRequest = ['n/a', 'n/a'];
    if (server !== null) {
      const total = server + postgres + (redis ?? 0) + summary.medianClientCpuPercent;
      const micros = ((total / 100) * 1e6) / summary.medianRequestsPerSecond;
      perRequest = [formatInteger(micros), formatInteger((cpuCount * 1e6) / micros)];
    }
    rows.push([
      target.name,
      formatPercent(server),
      formatPercent(postgres),
      formatPercent(redis),
      formatPercent(summary.medianClientCpuPercent),
      formatPercent(summary.maxOtherCpuPercent),
      ...perRequest,
    ]);
  }
  return formatTable(rows);
}

/** One line per probe: PostgreSQL transactions and rows, and Redis commands, per request. */
export function formatProbes(probes: readonly ProbeResult[]): string {
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
