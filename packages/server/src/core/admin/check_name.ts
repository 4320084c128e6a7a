import { InvalidInputError } from './admin_errors.js';

/**
 * Organization names and logins: 1–128 printable characters, no leading or trailing space,
 * no double quote (a login is sent inside a quoted WSSE field) and no control characters.
 */
export function checkName(
  kind: 'organization name' | 'login' | 'client name',
  value: string,
): string {
  const ok =
    value.length >= 1 &&
    value.length <= 128 &&
    value.trim() === value &&
    !value.includes('"') &&
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    !/[\u0000-\u001f\u007f]/.test(value);
  if (!ok) {
    throw new InvalidInputError(
      `${kind} must be 1 to 128 characters, without surrounding spaces, double quotes or control characters`,
    );
  }
  return value;
}
