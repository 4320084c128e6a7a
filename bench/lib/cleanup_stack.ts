import { describeError } from './describe_error.js';

/**
 * Undo steps (stop a child, remove a temp dir) run in reverse order of registration, once,
 * whether the benchmark ends normally, throws, or is interrupted by a signal.
 */
export class CleanupStack {
  readonly #steps: { readonly label: string; readonly run: () => Promise<void> | void }[] = [];
  #running: Promise<void> | null = null;

  /**
   * Registers an undo step; it runs before every step registered earlier.
   * @param label - what it undoes, for the message when it fails.
   * @param run - the step; a failure is reported and the remaining steps still run.
   */
  add(label: string, run: () => Promise<void> | void): void {
    this.#steps.push({ label, run });
  }

  /** Runs every registered step, newest first. Calling it again waits for the first call. */
  runAll(): Promise<void> {
    this.#running ??= (async () => {
      while (this.#steps.length > 0) {
        const step = this.#steps.pop();
        if (!step) break;
        try {
          await step.run();
        } catch (error) {
          console.error(`bench: cleanup "${step.label}" failed: ${describeError(error)}`);
        }
      }
    })();
    return this.#running;
  }

  /**
   * Runs the steps and exits on SIGINT, SIGTERM and SIGHUP (exit code 128 + signal number), so
   * an interrupted run leaves no server behind.
   */
  exitOnSignals(): void {
    const codes: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
    for (const [signal, code] of Object.entries(codes)) {
      process.once(signal, () => {
        console.error(`\nbench: ${signal}, stopping servers`);
        void this.runAll().finally(() => process.exit(code));
      });
    }
  }
}
