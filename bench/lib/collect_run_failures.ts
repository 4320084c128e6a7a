import type { MeasuredTarget } from './measure_in_rounds.js';

/**
 * What went wrong in any run, warm-ups included: non-2xx answers, 2xx answers with a wrong
 * body, connection errors and timeouts. A refused or failed request is cheap and would
 * inflate req/s, so each of these makes the figures invalid.
 * @returns one message per problem, `<target> <warm-up|round n>: …`; empty when none.
 */
export function collectRunFailures(targets: readonly MeasuredTarget[]): string[] {
  const failures: string[] = [];
  for (const target of targets) {
    for (const [i, run] of [...target.warmup, ...target.runs].entries()) {
      const which = i < target.warmup.length ? 'warm-up' : `round ${i - target.warmup.length + 1}`;
      if (run.non2xx > 0) {
        failures.push(
          `${target.name} ${which}: ${run.non2xx} non-2xx answers ${JSON.stringify(run.statusCodes)}`,
        );
      }
      if (run.bodyMismatches > 0) {
        failures.push(
          `${target.name} ${which}: ${run.bodyMismatches} 2xx answers with a wrong body`,
        );
      }
      if (run.errors + run.timeouts > 0) {
        failures.push(`${target.name} ${which}: ${run.errors} errors, ${run.timeouts} timeouts`);
      }
    }
  }
  return failures;
}
