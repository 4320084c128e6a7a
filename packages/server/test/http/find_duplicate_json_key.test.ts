import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findDuplicateJsonKey } from '../../src/http/find_duplicate_json_key.js';

describe('findDuplicateJsonKey', () => {
  it.each([
    ['{"a":1,"a":2}', 'a'],
    ['{"a":1,"\\u0061":2}', 'a'],
    ['{"x":{"a":1,"b":{"c":[1,{"d":1,"d":2}]}}}', 'd'],
    ['{"a\\"b":1,"a\\"b":2}', 'a"b'],
    [' { "a" : "a" , "a" : 1 } ', 'a'],
    ['{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}', null],
    ['{"a":"a","b":"a"}', null],
    ['["a","a"]', null],
    ['{"a":"\\\\","b":"\\"a\\":"}', null],
    ['"{\\"a\\":1,\\"a\\":1}"', null],
    [`${'['.repeat(50_000)}${']'.repeat(50_000)}`, null],
  ])('%s → %s', (json, expected) => {
    expect(findDuplicateJsonKey(json)).toBe(expected);
  });

  it('finds nothing in any JSON that JSON.stringify wrote, and finds a key written twice', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), fc.jsonValue(), (value, key, other) => {
        expect(findDuplicateJsonKey(JSON.stringify(value))).toBeNull();
        const repeated = `{"k":${JSON.stringify(value)},${JSON.stringify(key)}:1,${JSON.stringify(key)}:${JSON.stringify(other)}}`;
        const found = findDuplicateJsonKey(repeated);
        expect(found).toBe(key);
      }),
      { numRuns: 300 },
    );
  });
});
