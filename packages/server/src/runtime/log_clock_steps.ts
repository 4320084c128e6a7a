import type { Logger } from 'pino';
import type { ClockStep } from './watch_clock_steps.js';

/**
 * The log line of a wall-clock step (`clock.step_detected`, W-6), with its size in seconds
 * (negative: set back) and the margin WSSE nonces are kept beyond their window: at warn when
 * the margin covers the step, at error when it does not (a header used before the step may
 * then be accepted again).
 * @param logger - the server's logger.
 * @param marginSeconds - `wsse.clockStepMarginSeconds`.
 * @returns an `onStep` for `watchClockSteps`.
 */
export function logClockSteps(logger: Logger, marginSeconds: number): (step: ClockStep) => void {
  return ({ stepMs }) => {
    const stepSeconds = Math.round(stepMs / 100) / 10;
    const jump = `the wall clock jumped ${stepMs < 0 ? 'back' : 'forward'} ${Math.abs(stepSeconds)} s`;
    const fields = { event: 'clock.step_detected', stepSeconds, marginSeconds };
    if (Math.abs(stepMs) <= marginSeconds * 1000) {
      logger.warn(
        fields,
        `${jump}; WSSE nonces are kept ${marginSeconds} s beyond their window (wsse.clockStepMarginSeconds), which covers it`,
      );
    } else {
      logger.error(
        fields,
        `${jump}, more than the ${marginSeconds} s WSSE nonces are kept beyond their window (wsse.clockStepMarginSeconds): a header used before the jump may be accepted again; keep the clock in sync or raise the margin`,
      );
    }
  };
}
