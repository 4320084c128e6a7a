/**
 * Conversions between the port's values and the portable column types of `migrations/`: a
 * boolean is the integer 0 or 1, a list of strings is JSON text. Used by the write side of the
 * SQL repositories and by `row_mappers.ts`, so both directions live in one place.
 */

/**
 * A boolean as the integer written to a flag column.
 * @param value - the flag.
 */
export function encodeFlag(value: boolean): 0 | 1 {
  return value ? 1 : 0;
}

/**
 * A flag column's value as a boolean. `Number()` accepts whatever the driver returns for an
 * integer (number, string or bigint).
 * @param value - the column value (0 or 1; a CHECK constraint allows nothing else).
 */
export function decodeFlag(value: number | string | bigint): boolean {
  return Number(value) === 1;
}

/**
 * A list of strings as the JSON text written to a list column.
 * @param list - the strings, in order.
 */
export function encodeTextList(list: readonly string[]): string {
  return JSON.stringify(list);
}

/**
 * A list column's JSON text as a fresh array (callers may change it freely).
 * @param text - the column value, as written by {@link encodeTextList}.
 */
export function decodeTextList<T extends string = string>(text: string): T[] {
  return JSON.parse(text) as T[];
}
