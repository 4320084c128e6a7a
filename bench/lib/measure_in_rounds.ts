import { log } from './log.js';
import type { LoadRunResult } from './run_load.js';

/** A target with the runs measured against it. */
export interface MeasuredTarget {
  readonly name: string;
  readonly warmup: LoadRunResult[];
  readonly runs: LoadRunResult[];
}

/** How long and how often every target is measured. */
export interface RoundSettings {
  /** Seconds of warm-up per target; 0 skips the warm-up. */
  readonly warmupSeconds: number;
  readonly rounds: number;
  /** Seconds per measured run. */
  readonly durationSeconds: number;
}

/**
 * Measures every target in turn: a warm-up of each first, then `rounds` rounds over all of
 * them (A B C, A B C, …), so slow drift favours no target. Each result is appended to the
 * target's `warmup` or `runs`.
 * @param measure - one run of `target` for `seconds`; `phase` tells a warm-up from a round.
 */
export async function measureInRounds<T extends MeasuredTarget>(
  targets: readonly T[],
  settings: RoundSettings,
  measure: (target: T, seconds: number, phase: 'warm-up' | 'round') => Promise<LoadRunResult>,
): Promise<void> {
  if (settings.warmupSeconds > 0) {
    for (const target of targets) {
      log(`warm-up: ${target.name}, ${settings.warmupSeconds} s…`);
      target.warmup.push(await measure(target, settings.warmupSeconds, 'warm-up'));
    }
  }
  for (let round = 1; round <= settings.rounds; round++) {
    for (const target of targets) {
      log(`round ${round}/${settings.rounds}: ${target.name}, ${settings.durationSeconds} s…`);
      target.runs.push(await measure(target, settings.durationSeconds, 'round'));
    }
  }
}
