import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { StoreVersionCache } from '../../../src/core/caching/store_version_cache.js';

describe('StoreVersionCache', () => {
  it('serves an entry only while the version it was loaded at is current', () => {
    const cache = new StoreVersionCache<string>(10);
    expect(cache.get(1, 'a')).toBeUndefined();
    cache.set(1, 'a', 'first');
    expect(cache.get(1, 'a')).toBe('first');
    // Another version empties the cache.
    expect(cache.get('2', 'a')).toBeUndefined();
    expect(cache.size).toBe(0);
    // What was loaded at an older version is never filed under the new one.
    cache.set(1, 'a', 'first');
    expect(cache.get('2', 'a')).toBeUndefined();
  });

  it('ignores a set before any version was seen', () => {
    const cache = new StoreVersionCache<string>(10);
    cache.set(1, 'a', 'x');
    expect(cache.size).toBe(0);
    expect(cache.get(1, 'a')).toBeUndefined();
  });

  it('keeps at most maxEntries keys, evicting the least recently used', () => {
    const cache = new StoreVersionCache<string>(3);
    cache.get(1, 'x');
    for (const key of ['a', 'b', 'c']) cache.set(1, key, key);
    expect(cache.get(1, 'a')).toBe('a');
    cache.set(1, 'd', 'd');
    expect(cache.size).toBe(3);
    expect(cache.get(1, 'b')).toBeUndefined();
    for (const key of ['a', 'c', 'd']) expect(cache.get(1, key)).toBe(key);
  });

  it('never shows its values, and rejects a bound below 1', () => {
    const cache = new StoreVersionCache<string>(2);
    cache.get(1, 'x');
    cache.set(1, 'a', 'very-secret-value');
    expect(inspect(cache, { depth: 10 })).not.toContain('very-secret-value');
    expect(JSON.stringify(cache)).not.toContain('very-secret-value');
    expect(() => new StoreVersionCache(0)).toThrow(TypeError);
    expect(() => new StoreVersionCache(1.5)).toThrow(TypeError);
  });
});
