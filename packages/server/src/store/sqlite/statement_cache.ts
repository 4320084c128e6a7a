import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct SQL texts kept prepared; the store issues a few dozen, so this never churns. */
const DEFAULT_CAPACITY = 256;

/**
 * Wraps a better-sqlite3 connection for Kysely so each distinct SQL text is prepared once and
 * its statement reused. Kysely's SQLite driver calls `prepare` on every query, and preparing
 * costs more than running a primary-key lookup (about 18 µs of a 26 µs call measured here).
 * Reuse is safe because Kysely runs one query at a time on this single connection (its
 * connection mutex), so a cached statement is never busy when handed out again. When full,
 * the least recently added text is evicted.
 * @param database - the open connection; `close()` closes it.
 * @param capacity - how many statements to keep.
 */
export function withStatementCache(
  database: BetterSqlite3.Database,
  capacity = DEFAULT_CAPACITY,
): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close() {
      statements.clear();
      database.close();
    },
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (statements.size >= capacity) {
          const oldest = statements.keys().next();
          if (!oldest.done) statements.delete(oldest.value);
        }
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
