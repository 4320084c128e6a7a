/**
 * Ends a benchmark: prints `failures` loudly to stderr, if any, below the figures they
 * invalidate.
 * @returns the exit code: 1 when there are failures, else 0.
 */
export function reportFailures(failures: readonly string[]): number {
  if (failures.length === 0) return 0;
  process.stderr.write(
    `\nbench: FAILED, the figures above are not valid:\n  ${failures.join('\n  ')}\n`,
  );
  return 1;
}
