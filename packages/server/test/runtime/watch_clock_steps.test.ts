import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/runtime/create_logger.js';
import { logClockSteps } from '../../src/runtime/log_clock_steps.js';
import { type ClockStep, watchClockSteps } from '../../src/runtime/watch_clock_steps.js';

/** A wall clock and a monotonic clock that move only when the test moves them. */
function clocks() {
  let wall = Date.UTC(2026, 10, 22, 9, 15, 30);
  let monotonic = 1000;
  return {
    wallNow: () => wall,
    monotonicNow: () => monotonic,
    /** Time passing normally: both clocks move. */
    pass(ms: number) {
      wall += ms;
      monotonic += ms;
    },
    /** The wall clock alone jumps (set back when negative). */
    step(ms: number) {
      wall += ms;
    },
  };
}

describe('watchClockSteps (W-6)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports the wall clock set back or forward, with the size, and nothing for time passing', () => {
    const clock = clocks();
    const steps: ClockStep[] = [];
    const watch = watchClockSteps({ ...clock, onStep: (step) => steps.push(step) });
    try {
      clock.pass(10_000);
      watch.check();
      expect(steps).toEqual([]);

      clock.pass(10_000);
      clock.step(-15_000);
      watch.check();
      expect(steps).toEqual([{ stepMs: -15_000 }]);

      // Measured from the last check: the step is reported once.
      clock.pass(10_000);
      watch.check();
      clock.step(400_000);
      watch.check();
      expect(steps).toEqual([{ stepMs: -15_000 }, { stepMs: 400_000 }]);
    } finally {
      watch.stop();
    }
  });

  it('ignores differences below the threshold (NTP slewing)', () => {
    const clock = clocks();
    const steps: ClockStep[] = [];
    const watch = watchClockSteps({ ...clock, thresholdMs: 1000, onStep: (s) => steps.push(s) });
    try {
      clock.pass(10_000);
      clock.step(-999);
      watch.check();
      clock.step(999);
      watch.check();
      expect(steps).toEqual([]);
      clock.step(-1000);
      watch.check();
      expect(steps).toEqual([{ stepMs: -1000 }]);
    } finally {
      watch.stop();
    }
  });

  it('checks on its own every interval until stopped', () => {
    vi.useFakeTimers();
    const clock = clocks();
    const steps: ClockStep[] = [];
    const watch = watchClockSteps({ ...clock, intervalMs: 5000, onStep: (s) => steps.push(s) });
    clock.step(-15_000);
    vi.advanceTimersByTime(4999);
    expect(steps).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(steps).toEqual([{ stepMs: -15_000 }]);

    watch.stop();
    clock.step(-15_000);
    vi.advanceTimersByTime(60_000);
    expect(steps).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

/** What `keygate serve` logs for a step (W-6). */
describe('logClockSteps', () => {
  it('logs a step the margin covers at warn, a larger one at error, with the sizes', () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        done();
      },
    });
    const onStep = logClockSteps(createLogger('info', destination), 300);
    onStep({ stepMs: -15_000 });
    onStep({ stepMs: 400_000 });
    expect(lines).toMatchObject([
      { level: 40, event: 'clock.step_detected', stepSeconds: -15, marginSeconds: 300 },
      { level: 50, event: 'clock.step_detected', stepSeconds: 400, marginSeconds: 300 },
    ]);
    expect(String(lines[0]?.msg)).toContain('the wall clock jumped back 15 s');
    expect(String(lines[1]?.msg)).toContain('may be accepted again');
  });
});
