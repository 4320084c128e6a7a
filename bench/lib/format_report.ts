import { formatInteger, formatPercent, formatTable } from './format_table.js';
import type { Comparison, TargetSummary } from './summarize_runs.js';

/** Below this share of a core the server was not the bottleneck of its run. */
const SATURATED_PERCENT = 90;
/** Above this share of a core, other work on the machine competed with a run. */
const DISTURBED_PERCENT = 25;

function row(target: TargetSummary): string[] {
  return [
    target.name,
    formatInteger(target.medianRequestsPerSecond),
    target.runs.map((run) => formatInteger(run.requestsPerSecond)).join(' / '),
    target.medianLatencyP50.toFixed(1),
    target.medianLatencyP99.toFixed(1),
    String(target.non2xx),
    String(target.bodyMismatches),
    String(target.errors + target.timeouts),
    formatPercent(target.medianServerCpuPercent),
    target.medianServerCpuMicrosPerRequest === null
      ? 'n/a'
      : formatInteger(target.medianServerCpuMicrosPerRequest),
    formatPercent(target.medianClientCpuPercent),
    formatPercent(target.maxOtherCpuPercent),
  ];
}

/**
 * The human report: one line per target (median req/s, every run's req/s, median p50 and p99
 * latency, non-2xx and error totals, median CPU of server and load generator, the most CPU
 * other work took during a run), then one line per comparison with its ratio and verdict,
 * and warnings when other work competed with a run or a server was not saturated (then
 * something else, usually the load generator, set that figure).
 */
export function formatReport(
  targets: readonly TargetSummary[],
  comparisons: readonly Comparison[],
): string {
  const header = [
    'target',
    'req/s (median)',
    'runs req/s',
    'p50 ms',
    'p99 ms',
    'non-2xx',
    'bad body',
    'errors',
    'server CPU',
    'CPU µs/req',
    'client CPU',
    'other CPU (max)',
  ];
  const lines = [formatTable([header, ...targets.map(row)]), ''];
  for (const comparison of comparisons) {
    lines.push(
      `ratio ${comparison.name}: ${comparison.ratio.toFixed(2)} (target ≥ ${comparison.target.toFixed(2)}) ${comparison.verdict}` +
        `   per round: ${comparison.roundRatios.map((ratio) => ratio.toFixed(2)).join(' / ')}` +
        (comparison.cpuCostRatio === null
          ? ''
          : `   by server CPU per request: ${comparison.cpuCostRatio.toFixed(2)}`),
    );
  }
  const disturbed = targets.flatMap((target) =>
    target.runs.flatMap((run, i) =>
      run.otherCpuPercent !== null && run.otherCpuPercent > DISTURBED_PERCENT
        ? [`${target.name} round ${i + 1} (${run.otherCpuPercent.toFixed(0)}%)`]
        : [],
    ),
  );
  if (disturbed.length > 0) {
    lines.push(
      `note: other work on the machine competed with ${disturbed.join(', ')}; those figures are low, rerun when the machine is quiet.`,
    );
  }
  const baselines = new Set(comparisons.map((comparison) => comparison.baseline.name));
  for (const target of targets) {
    const cpu = target.medianServerCpuPercent;
    // A server starved by other work is covered by the note above.
    const starved = (target.maxOtherCpuPercent ?? 0) > DISTURBED_PERCENT;
    if (cpu === null || cpu >= SATURATED_PERCENT || starved) continue;
    const client = target.medianClientCpuPercent;
    lines.push(
      client >= SATURATED_PERCENT
        ? `note: ${target.name} used only ${cpu.toFixed(0)}% of a core while the load generator used ${client.toFixed(0)}%: the client, not the server, set this figure.` +
            (baselines.has(target.name) ? ' Ratios against it overstate the other side.' : '')
        : `note: ${target.name} used only ${cpu.toFixed(0)}% of a core with the load generator at ${client.toFixed(0)}%: the server spent the rest waiting (disk syncs, locks), not computing.`,
    );
  }
  return lines.join('\n');
}
