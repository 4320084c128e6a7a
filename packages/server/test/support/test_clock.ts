/** A settable clock for tests (epoch milliseconds): time moves only when a test moves it. */
export interface TestClock {
  now: () => number;
  set(ms: number): void;
  advance(ms: number): void;
}

/** Creates a frozen clock starting at `startMs` (default: the real time at creation). */
export function createTestClock(startMs: number = Date.now()): TestClock {
  let current = startMs;
  return {
    now: () => current,
    set: (ms) => {
      current = ms;
    },
    advance: (ms) => {
      current += ms;
    },
  };
}
