import { type CreateTableBuilder, type Kysely, SqliteAdapter, sql } from 'kysely';

/**
 * The migrations' one dialect-specific clause. On SQLite, `WITHOUT ROWID` stores a table
 * inside its primary-key b-tree instead of a rowid table plus a separate key index, so
 * inserting a row writes one b-tree fewer. For `wsse_nonces`, written on every WSSE request,
 * that cut an insert from about 100 µs to 60 µs here, before nonces were group-committed; with
 * its expiry index it is cheaper as a rowid table, which `0005_wsse_nonces_rowid` made it.
 * Other dialects get the table unchanged.
 * @param db - the Kysely instance the migration runs on.
 * @returns a function for `CreateTableBuilder.$call`.
 */
export function withoutRowidOnSqlite(
  db: Kysely<unknown>,
): <T extends string, C extends string>(
  table: CreateTableBuilder<T, C>,
) => CreateTableBuilder<T, C> {
  const onSqlite = isSqlite(db);
  return (table) => (onSqlite ? table.modifyEnd(sql`without rowid`) : table);
}

/**
 * True when `db` runs on SQLite: for the migrations' few SQLite-only steps.
 * @param db - the Kysely instance the migration runs on.
 */
export function isSqlite(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}
