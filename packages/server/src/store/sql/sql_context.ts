import type { Kysely } from 'kysely';
import { StoreUnavailableError } from '../port.js';
import type { Database } from './database.js';

/**
 * Turns a driver error into the error the port promises: `StoreConflictError` for a unique
 * violation, `StoreReferenceError` for a foreign-key violation, `StoreUnavailableError` when
 * the database cannot be reached or is busy past its timeout. Anything it does not recognise
 * is returned unchanged. The one dialect-specific function the shared SQL code calls.
 */
export type SqlErrorTranslator = (error: unknown) => unknown;

/** What every SQL repository gets: the database and the error guard. */
export interface SqlContext {
  readonly db: Kysely<Database>;
  /**
   * Runs `work`, rethrowing any failure through the dialect's {@link SqlErrorTranslator};
   * rejects with `StoreUnavailableError` without running it once the store is closed.
   */
  guard<T>(work: () => Promise<T>): Promise<T>;
  /** True once {@link SqlContext.markClosed} was called. */
  readonly closed: boolean;
  /** Records that the store was closed (Kysely's own error after `destroy()` is not the port's). */
  markClosed(): void;
}

/**
 * Builds the context the SQL repositories share.
 * @param db - Kysely on the dialect in use.
 * @param translate - the dialect's error translator.
 */
export function createSqlContext(db: Kysely<Database>, translate: SqlErrorTranslator): SqlContext {
  let closed = false;
  return {
    db,
    get closed() {
      return closed;
    },
    markClosed() {
      closed = true;
    },
    async guard(work) {
      if (closed) throw new StoreUnavailableError('store is closed');
      try {
        return await work();
      } catch (error) {
        throw translate(error);
      }
    },
  };
}
