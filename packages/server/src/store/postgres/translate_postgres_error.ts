import { StoreConflictError, StoreUnavailableError } from '../port.js';
import { UNIQUE_CONSTRAINTS } from '../sql/constraint_names.js';
import type { SqlErrorTranslator } from '../sql/sql_context.js';
import { StoreReferenceError } from '../store_reference_error.js';

/** Port names by PostgreSQL constraint or unique-index name. */
const PORT_NAMES = new Map(UNIQUE_CONSTRAINTS.map((c) => [c.name, c.port]));

/**
 * SQLSTATE classes and codes meaning the database cannot serve us right now (S-4): the
 * connection failed or was cut (class 08), the server is short of resources (53) or shutting
 * down or refusing connections (57P01..57P03), a statement ran past `statement_timeout`
 * (57014) or waited past `lock_timeout` (55P03), a transaction was aborted by a deadlock or
 * a serialization failure (40001, 40P01) or sat idle too long (25P03, 57P05), the server hit
 * an I/O or internal error (58, XX), refused our login or database (28, 3D000, 57P04), or is a
 * read-only standby after a failover (25006).
 */
const UNAVAILABLE_CLASSES = ['08', '53', '58', 'XX', '28'];
const UNAVAILABLE_CODES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '57014',
  '55P03',
  '40001',
  '40P01',
  '25P03',
  '57P04',
  '57P05',
  '25006',
  '3D000',
]);

/** Socket-level failures node reports (with `code`) while connecting or talking to the server. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * Messages of errors node-postgres, pg-pool and Kysely's driver raise without a code when the
 * connection is gone, timed out, or the pool is closed.
 */
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
  'driver has already been destroyed',
];

/**
 * Maps node-postgres errors to the port's: a unique violation (23505) to `StoreConflictError`
 * with the port's name for the violated constraint or unique index, a foreign-key violation
 * (23503) to `StoreReferenceError`, and connection, timeout, shutdown and resource failures to
 * `StoreUnavailableError` (driver error kept as `cause`, message naming only the SQLSTATE or
 * socket code: PostgreSQL's `detail` quotes the offending values and never leaves here).
 * Anything else, caller misuse (`TypeError`) included, is returned unchanged.
 */
export const translatePostgresError: SqlErrorTranslator = (error) => {
  if (!(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code === '23505') {
      const constraint = (error as { constraint?: unknown }).constraint;
      const name = typeof constraint === 'string' ? constraint : 'unknown';
      return new StoreConflictError(PORT_NAMES.get(name) ?? name);
    }
    if (code === '23503') return new StoreReferenceError();
    if (
      UNAVAILABLE_CODES.has(code) ||
      (/^[0-9A-Z]{5}$/.test(code) && UNAVAILABLE_CLASSES.includes(code.slice(0, 2)))
    ) {
      return new StoreUnavailableError(`database unavailable (SQLSTATE ${code})`, {
        cause: error,
      });
    }
    if (NETWORK_CODES.has(code)) {
      return new StoreUnavailableError(`database unreachable (${code})`, { cause: error });
    }
    return error;
  }
  if (UNAVAILABLE_MESSAGES.some((m) => error.message.startsWith(m))) {
    return new StoreUnavailableError('database connection failed', { cause: error });
  }
  return error;
};
