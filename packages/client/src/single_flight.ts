/**
 * Runs at most one instance of an async job at a time: callers arriving while it runs get
 * the same promise (C-4's "concurrent callers share one refresh"). Once it settles, the next
 * call starts a new run, so jobs must re-check their premise (is the token still stale?).
 */
export class SingleFlight<T> {
  #running: Promise<T> | null = null;

  /** Starts `job`, or joins the run already in progress. */
  run(job: () => Promise<T>): Promise<T> {
    if (this.#running) return this.#running;
    const running = (async () => {
      try {
        return await job();
      } finally {
        this.#running = null;
      }
    })();
    this.#running = running;
    return running;
  }
}
