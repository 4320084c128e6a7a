import { describe, expect, it } from 'vitest';
import { AccessTokenCheckCache } from '../../src/core/oauth/access_token_check_cache.js';
import { createTestClock } from '../support/test_clock.js';

/** the Bearer check's memory of store checks is short, bounded, and yields to revocations. */
describe('AccessTokenCheckCache', () => {
  it('serves an outcome for the window only, measured on the injected clock', () => {
    const clock = createTestClock(1_000_000);
    const cache = new AccessTokenCheckCache<string>({ now: clock.now, windowMs: 3_000 });
    cache.remember('jti-1', 'ok', cache.generation);
    clock.advance(2_999);
    expect(cache.get('jti-1')).toBe('ok');
    clock.advance(1);
    expect(cache.get('jti-1')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('refuses a window above the 5 s R-3 allows, or a negative one', () => {
    const now = () => 0;
    expect(() => new AccessTokenCheckCache({ now, windowMs: 5_001 })).toThrow(TypeError);
    expect(() => new AccessTokenCheckCache({ now, windowMs: -1 })).toThrow(TypeError);
    expect(() => new AccessTokenCheckCache({ now, windowMs: 5_000 })).not.toThrow();
  });

  it('window 0 remembers nothing', () => {
    const cache = new AccessTokenCheckCache<string>({ now: () => 0, windowMs: 0 });
    cache.remember('jti-1', 'ok', cache.generation);
    expect(cache.get('jti-1')).toBeUndefined();
  });

  it('forgetAll drops everything, and an outcome read before it is not stored after it', () => {
    const cache = new AccessTokenCheckCache<string>({ now: () => 0 });
    cache.remember('jti-1', 'ok', cache.generation);
    const before = cache.generation;
    cache.forgetAll();
    expect(cache.get('jti-1')).toBeUndefined();
    // A check that started before the revocation finishes after it: its outcome may be stale.
    cache.remember('jti-2', 'ok', before);
    expect(cache.get('jti-2')).toBeUndefined();
    cache.remember('jti-2', 'revoked', cache.generation);
    expect(cache.get('jti-2')).toBe('revoked');
  });

  it('is bounded: the oldest entry goes first', () => {
    const cache = new AccessTokenCheckCache<number>({ now: () => 0, maxEntries: 3 });
    for (let i = 1; i <= 4; i++) cache.remember(`jti-${i}`, i, cache.generation);
    expect(cache.size).toBe(3);
    expect(cache.get('jti-1')).toBeUndefined();
    expect(cache.get('jti-4')).toBe(4);
  });
});
