/**
 * PostgreSQL `text` cannot hold the NUL character (U+0000): binding a string containing one
 * fails with SQLSTATE 22021, which SQLite never does. Such strings only
 * come from hostile or broken input (a `client_id` of `a\u0000b` in a token request), and the
 * port must answer them as it answers any other unknown value, not with a driver error that
 * becomes a 500.
 */

/** True when some string parameter contains U+0000. */
export function hasNulText(parameters: ReadonlyArray<unknown>): boolean {
  return parameters.some((value) => typeof value === 'string' && value.includes('\u0000'));
}

/**
 * What a statement with a NUL-bearing string parameter gets instead of being sent:
 * - a SELECT gets no rows, which is its true answer: every string parameter the SQL layer binds
 *   in a SELECT is compared for equality with a `text` column, and no stored text contains NUL;
 * - a write is refused with `TypeError` (caller misuse, as the port's other input checks): it
 *   could not be stored as given, and silently storing something else would be worse.
 * @param sql - the compiled statement.
 */
export function answerForNulText(sql: string): { command: 'SELECT'; rowCount: 0; rows: [] } {
  if (/^\s*select\b/i.test(sql)) return { command: 'SELECT', rowCount: 0, rows: [] };
  throw new TypeError('text values cannot contain NUL characters (U+0000) on PostgreSQL');
}
