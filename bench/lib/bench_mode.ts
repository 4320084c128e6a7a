import type { CleanupStack } from './cleanup_stack.js';
import type { MachineRecord } from './describe_machine.js';
import type { BenchOptions } from './read_bench_options.js';

/** What `run.ts` gives a mode. */
export interface ModeContext {
  readonly options: BenchOptions;
  /** Where the mode registers every server, directory and store it must undo. */
  readonly cleanup: CleanupStack;
  readonly machine: MachineRecord;
  /**
   * Node flags for the server child `name` (`keygate`, `keygate-2`): with `--cpu-prof`, a
   * profile into a folder of that name, summarised after the run; else none.
   */
  nodeFlags(name: string): readonly string[];
}

/** What a mode measured, for `run.ts` to print and record. */
export interface ModeOutcome {
  /** The human report, for stdout. */
  readonly report: string;
  /** The mode's part of the JSON results (targets, medians, checks, …). */
  readonly record: Readonly<Record<string, unknown>>;
  /** Correctness failures: each one invalidates the figures (exit code 1). */
  readonly failures: readonly string[];
}

/** One way of running the benchmark: `compareWithBaselines` or `scaleOverProcesses`. */
export type BenchMode = (context: ModeContext) => Promise<ModeOutcome>;
