/** A step of the wall clock, as measured against the monotonic clock. */
export interface ClockStep {
  /** How far the wall clock jumped, in ms: negative when it was set back. */
  readonly stepMs: number;
}

/** Options of {@link watchClockSteps}. */
export interface ClockStepWatchOptions {
  /** Told about every step of at least `thresholdMs`. */
  readonly onStep: (step: ClockStep) => void;
  /** How often the clocks are compared; default 10 s. */
  readonly intervalMs?: number;
  /** Smallest difference reported; default 1 s (NTP slews smaller corrections). */
  readonly thresholdMs?: number;
  /** The wall clock keygate judges by, epoch ms; default `Date.now`. */
  readonly wallNow?: () => number;
  /** A clock no one can set, ms; default `performance.now`. */
  readonly monotonicNow?: () => number;
}

/** A running {@link watchClockSteps}. */
export interface ClockStepWatch {
  /** Compares the clocks now (the timer calls this every interval). */
  check(): void;
  /** Stops the timer. Idempotent. */
  stop(): void;
}

/**
 * Watches for steps of the wall clock (an NTP step, a resumed VM, an operator's `date`): every
 * `intervalMs` it compares how far the wall clock moved with how far the monotonic clock did,
 * and reports a difference of `thresholdMs` or more. keygate judges WSSE `Created` times and
 * nonce expiry by the wall clock, and its nonces are kept only `wsse.clockStepMarginSeconds`
 * beyond their window (W-6), so the operator must hear of a step. The timer is unref'd: it
 * never keeps the process alive.
 * @param options - where to report, and the clocks and interval (injected for tests).
 */
export function watchClockSteps(options: ClockStepWatchOptions): ClockStepWatch {
  const wallNow = options.wallNow ?? Date.now;
  const monotonicNow = options.monotonicNow ?? (() => performance.now());
  const thresholdMs = options.thresholdMs ?? 1000;
  let lastWall = wallNow();
  let lastMonotonic = monotonicNow();
  const check = () => {
    const wall = wallNow();
    const monotonic = monotonicNow();
    const stepMs = wall - lastWall - (monotonic - lastMonotonic);
    lastWall = wall;
    lastMonotonic = monotonic;
    if (Math.abs(stepMs) >= thresholdMs) options.onStep({ stepMs });
  };
  const timer = setInterval(check, options.intervalMs ?? 10_000);
  timer.unref();
  return {
    check,
    stop: () => clearInterval(timer),
  };
}
