/**
 * Checks one option a caller passes: a non-empty string, or caller misuse.
 *
 * @param name - The option as the message names it, e.g. `wsse: key`.
 * @returns The value, typed as a string.
 * @throws TypeError `<name> must be a non-empty string` otherwise.
 */
export function requireNonEmptyString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${name} must be a non-empty string`);
  }
  return value;
}
