import { describe, expect, it } from 'vitest';
import {
  checkPasswordPolicy,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
} from '../../../src/core/passwords/check_password_policy.js';

// U+1F511 (key emoji) is one code point but two UTF-16 units.
const ASTRAL = '\u{1F511}';

describe('checkPasswordPolicy', () => {
  it('has the L-5 bounds', () => {
    expect([PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH]).toEqual([8, 1024]);
  });

  it.each([
    ['7 astral characters (14 UTF-16 units)', ASTRAL.repeat(7), 'too_short'],
    ['7 ASCII characters', 'a'.repeat(7), 'too_short'],
    ['empty', '', 'too_short'],
    ['1025 astral characters', ASTRAL.repeat(1025), 'too_long'],
    ['1025 ASCII characters', 'a'.repeat(1025), 'too_long'],
    ['a lone high surrogate', 'hunter22\ud800', 'not_unicode'],
    ['a lone low surrogate', '\udc00hunter22', 'not_unicode'],
    ['a megabyte', 'a'.repeat(1 << 20), 'too_long'],
  ])('refuses %s', (_, password, reason) => {
    const result = checkPasswordPolicy(password);
    expect(result).toMatchObject({ ok: false, reason });
    if (!result.ok) {
      const expected = {
        too_short: /at least 8/,
        too_long: /at most 1024/,
        not_unicode: /Unicode/,
      };
      expect(result.description).toMatch(expected[reason as keyof typeof expected]);
      if (password !== '') expect(result.description).not.toContain(password.slice(0, 7));
    }
  });

  it.each([
    ['8 astral characters', ASTRAL.repeat(8)],
    ['8 ASCII characters', 'a'.repeat(8)],
    ['1024 astral characters (2048 UTF-16 units)', ASTRAL.repeat(1024)],
    ['1024 ASCII characters', 'a'.repeat(1024)],
    ['spaces only, kept as typed', ' '.repeat(8)],
    ['combining marks counted per code point', 'e\u0301'.repeat(4)],
  ])('accepts %s', (_, password) => {
    expect(checkPasswordPolicy(password)).toEqual({ ok: true });
  });

  it('counts code points, not UTF-16 units or graphemes', () => {
    // 4 astral characters = 8 UTF-16 units, which a .length check would wrongly accept.
    expect(checkPasswordPolicy(ASTRAL.repeat(4))).toMatchObject({ reason: 'too_short' });
    // 1000 astral characters = 2000 UTF-16 units, which a .length check would wrongly refuse.
    expect(checkPasswordPolicy(ASTRAL.repeat(1000))).toEqual({ ok: true });
    // 'e' + combining acute = 2 code points; 4 of them = 8 code points, 4 graphemes.
    expect(checkPasswordPolicy('e\u0301'.repeat(4))).toEqual({ ok: true });
  });
});
