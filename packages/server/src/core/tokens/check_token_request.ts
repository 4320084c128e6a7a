import { isNonEmptyString } from './is_non_empty_string.js';

/**
 * Throws `TypeError` for caller misuse when issuing a token (these values come from keygate's
 * own grants, never straight from the network): each named value must be a non-empty string,
 * or null where `nullable` lists it.
 */
export function checkTokenRequest(
  values: Readonly<Record<string, unknown>>,
  nullable: readonly string[] = [],
): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === null && nullable.includes(name)) continue;
    if (!isNonEmptyString(value)) {
      throw new TypeError(`${name} must be a non-empty string`);
    }
  }
}
