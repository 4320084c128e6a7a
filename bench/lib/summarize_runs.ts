import { median } from './median.js';
import type { LoadRunResult } from './run_load.js';

/** The measured runs of one target, reduced to medians and totals. */
export interface TargetSummary {
  readonly name: string;
  readonly runs: readonly LoadRunResult[];
  readonly medianRequestsPerSecond: number;
  /** Median over runs of each run's p50 / p99, in ms. */
  readonly medianLatencyP50: number;
  readonly medianLatencyP99: number;
  /** Totals over the measured runs. */
  readonly non2xx: number;
  readonly bodyMismatches: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly medianClientCpuPercent: number;
  /** Null where server CPU could not be read (not Linux). */
  readonly medianServerCpuPercent: number | null;
  /** Median server CPU µs per request; null where server CPU could not be read. */
  readonly medianServerCpuMicrosPerRequest: number | null;
  /** The most CPU anything else on the machine used during one of the runs; null off Linux. */
  readonly maxOtherCpuPercent: number | null;
}

/** One of the comparisons the benchmark exists for: a target against its baseline. */
export interface Comparison {
  /** E.g. `wsse/bare`. */
  readonly name: string;
  readonly baseline: TargetSummary;
  readonly subject: TargetSummary;
  /** Median subject req/s over median baseline req/s. */
  readonly ratio: number;
  /** subject / baseline for each round (same position in the A B A B sequence). */
  readonly roundRatios: readonly number[];
  readonly target: number;
  readonly verdict: 'PASS' | 'BELOW';
  /**
   * Baseline's server CPU per request over the subject's: the ratio req/s would show if each
   * server had a core to itself; null where CPU could not be read.
   */
  readonly cpuCostRatio: number | null;
}

/**
 * Reduces one target's measured runs to medians (robust to one disturbed run on a shared
 * machine) and totals of everything that must be zero.
 * @throws RangeError when `runs` is empty.
 */
export function summarizeTarget(name: string, runs: readonly LoadRunResult[]): TargetSummary {
  const serverCpu = runs.map((run) => run.serverCpuPercent);
  const otherCpu = runs.map((run) => run.otherCpuPercent);
  return {
    name,
    runs,
    medianRequestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
    medianLatencyP50: median(runs.map((run) => run.latencyP50)),
    medianLatencyP99: median(runs.map((run) => run.latencyP99)),
    non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
    bodyMismatches: runs.reduce((sum, run) => sum + run.bodyMismatches, 0),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    timeouts: runs.reduce((sum, run) => sum + run.timeouts, 0),
    medianClientCpuPercent: median(runs.map((run) => run.clientCpuPercent)),
    medianServerCpuMicrosPerRequest: runs.every((run) => run.serverCpuMicrosPerRequest !== null)
      ? median(runs.map((run) => run.serverCpuMicrosPerRequest as number))
      : null,
    medianServerCpuPercent: serverCpu.every((value) => value !== null)
      ? median(serverCpu as number[])
      : null,
    maxOtherCpuPercent: otherCpu.every((value) => value !== null)
      ? Math.max(...(otherCpu as number[]))
      : null,
  };
}

/**
 * Compares a target with its baseline: the ratio of the median req/s and the verdict against
 * `target` (PASS when ratio ≥ target).
 */
export function compareTargets(
  baseline: TargetSummary,
  subject: TargetSummary,
  target: number,
): Comparison {
  const ratio = subject.medianRequestsPerSecond / baseline.medianRequestsPerSecond;
  const roundRatios = subject.runs.map((run, i) => {
    const baselineRun = baseline.runs[i];
    return baselineRun ? run.requestsPerSecond / baselineRun.requestsPerSecond : Number.NaN;
  });
  return {
    name: `${subject.name}/${baseline.name}`,
    baseline,
    subject,
    ratio,
    roundRatios,
    target,
    verdict: ratio >= target ? 'PASS' : 'BELOW',
    cpuCostRatio:
      baseline.medianServerCpuMicrosPerRequest === null ||
      subject.medianServerCpuMicrosPerRequest === null
        ? null
        : baseline.medianServerCpuMicrosPerRequest / subject.medianServerCpuMicrosPerRequest,
  };
}

/** A comparison as the JSON results keep it: its figures, without the two summaries. */
export function comparisonRecord(comparison: Comparison) {
  return {
    name: comparison.name,
    ratio: comparison.ratio,
    roundRatios: comparison.roundRatios,
    target: comparison.target,
    verdict: comparison.verdict,
    cpuCostRatio: comparison.cpuCostRatio,
  };
}
