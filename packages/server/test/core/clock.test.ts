import { describe, expect, it } from 'vitest';
import { unixSeconds } from '../../src/core/clock.js';

describe('unixSeconds', () => {
  it('rounds epoch milliseconds down to the second they fall in', () => {
    expect(unixSeconds(1_700_000_000_000)).toBe(1_700_000_000);
    expect(unixSeconds(1_700_000_000_999)).toBe(1_700_000_000);
    expect(unixSeconds(0)).toBe(0);
  });
});
