/** Fewest characters (Unicode code points) a password may have (L-5). */
export const PASSWORD_MIN_LENGTH = 8;

/** Most characters (Unicode code points) a password may have (L-5). */
export const PASSWORD_MAX_LENGTH = 1024;

/** The outcome of `checkPasswordPolicy`; `description` is safe to show and never repeats the password. */
export type PasswordPolicyResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: 'too_short' | 'too_long' | 'not_unicode';
      readonly description: string;
    };

/**
 * Checks a new password against L-5: 8 to 1024 characters, counted as Unicode code points
 * (an emoji is one character, as the user sees it). The password is judged exactly as typed:
 * nothing is trimmed, normalised or truncated, so what is hashed is what was checked.
 */
export function checkPasswordPolicy(password: string): PasswordPolicyResult {
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  // argon2 hashes UTF-8, where every lone surrogate becomes U+FFFD: two different such
  // passwords would hash alike, so they are refused rather than silently merged.
  if (!password.isWellFormed()) {
    return {
      ok: false,
      reason: 'not_unicode',
      description: 'password must be valid Unicode text (it contains a broken surrogate pair)',
    };
  }
  const length = codePointLength(password);
  if (length < PASSWORD_MIN_LENGTH) {
    return {
      ok: false,
      reason: 'too_short',
      description: `password must be at least ${PASSWORD_MIN_LENGTH} characters long`,
    };
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return {
      ok: false,
      reason: 'too_long',
      description: `password must be at most ${PASSWORD_MAX_LENGTH} characters long`,
    };
  }
  return { ok: true };
}

function codePointLength(text: string): number {
  // A code point is one or two UTF-16 units, so very long input is decided without walking it.
  if (text.length > 2 * PASSWORD_MAX_LENGTH) return text.length;
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}
