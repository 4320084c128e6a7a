/**
 * Unix seconds, as tokens and the store keep time, from epoch milliseconds, as the injected
 * clocks (`now()`) and `Date.now()` give it; rounded down, so a second is only reached once it
 * has begun.
 * @param ms - epoch milliseconds.
 */
export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
