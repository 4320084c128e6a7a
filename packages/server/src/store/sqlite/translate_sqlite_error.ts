import { StoreConflictError, StoreUnavailableError } from '../port.js';
import { UNIQUE_CONSTRAINTS } from '../sql/constraint_names.js';
import type { SqlErrorTranslator } from '../sql/sql_context.js';
import { StoreReferenceError } from '../store_reference_error.js';

/** SQLite prefixes a unique violation's message with this, then `table.column, …`. */
const UNIQUE_PREFIX = 'UNIQUE constraint failed: ';

/** Port names by SQLite's description of each unique constraint. */
const PORT_NAMES = new Map<string, string>();
for (const c of UNIQUE_CONSTRAINTS) {
  PORT_NAMES.set(c.columns.map((column) => `${c.table}.${column}`).join(', '), c.port);
  PORT_NAMES.set(`index '${c.name}'`, c.port);
}

/**
 * Result codes (and their extended forms, e.g. `SQLITE_IOERR_WRITE`) meaning the database
 * cannot serve us right now: locked past `busy_timeout`, disk trouble, file gone or damaged.
 * Callers answer 503 and readiness turns false (S-4).
 */
const UNAVAILABLE_CODES = [
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  'SQLITE_FULL',
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY',
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
  'SQLITE_PROTOCOL',
];

/**
 * Maps better-sqlite3 errors to the port's: unique and primary-key violations to
 * `StoreConflictError` with the port's constraint name, foreign-key violations to
 * `StoreReferenceError`, busy/I/O/closed-connection failures to `StoreUnavailableError`
 * (driver error kept as `cause`). Driver messages name tables and columns, never values.
 */
export const translateSqliteError: SqlErrorTranslator = (error) => {
  if (!(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') {
    // better-sqlite3 throws a plain TypeError, without a code, once the database is closed.
    return error instanceof TypeError && error.message === 'The database connection is not open'
      ? new StoreUnavailableError('database is closed', { cause: error })
      : error;
  }
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const described = error.message.startsWith(UNIQUE_PREFIX)
      ? error.message.slice(UNIQUE_PREFIX.length)
      : error.message;
    return new StoreConflictError(PORT_NAMES.get(described) ?? described);
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return new StoreReferenceError();
  if (UNAVAILABLE_CODES.some((c) => code === c || code.startsWith(`${c}_`))) {
    return new StoreUnavailableError(`database unavailable (${code})`, { cause: error });
  }
  return error;
};
