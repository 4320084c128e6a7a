import { type Kysely, type Migration, sql } from 'kysely';
import { isSqlite } from './sqlite_table_options.js';

/**
 * Rebuilds `wsse_nonces` on SQLite as an ordinary (rowid) table, with the same columns,
 * primary key, index and rows. `0001_initial` made it `WITHOUT ROWID`, which saves a b-tree
 * when a table has no other index; but `wsse_nonces` has `wsse_nonces_expires_at_idx`, and
 * the entries of a `WITHOUT ROWID` table's index carry the primary key, so each new nonce
 * landed at a random place among the many entries with the same expiry second: two random
 * pages written per nonce. With a rowid table the expiry index grows at its end, one random
 * page per nonce (the key's), and a nonce costs about a third less CPU and WAL.
 *
 * Other dialects already have exactly this table (the clause was SQLite's only), so this
 * migration does nothing there. On SQLite the rebuild is one `BEGIN IMMEDIATE` transaction
 * (Kysely runs SQLite migrations outside a transaction): every consumed nonce is kept, and a
 * run cut short leaves the old table as it was. Running it again is harmless.
 */
export const migration0005WsseNoncesRowid: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    if (!isSqlite(db)) return;
    await rebuildNonces(db, false);
  },

  async down(db: Kysely<unknown>): Promise<void> {
    if (!isSqlite(db)) return;
    await rebuildNonces(db, true);
  },
};

async function rebuildNonces(db: Kysely<unknown>, withoutRowid: boolean): Promise<void> {
  await sql`begin immediate`.execute(db);
  try {
    await db.schema
      .createTable('wsse_nonces_rebuilt')
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .addPrimaryKeyConstraint('wsse_nonces_pkey', ['key'])
      .$call((table) => (withoutRowid ? table.modifyEnd(sql`without rowid`) : table))
      .execute();
    await db
      .insertInto('wsse_nonces_rebuilt' as never)
      .columns(['key', 'expires_at'] as never)
      .expression(
        (db as Kysely<{ wsse_nonces: { key: string; expires_at: number | null } }>)
          .selectFrom('wsse_nonces')
          .select(['key', 'expires_at']),
      )
      .execute();
    await db.schema.dropTable('wsse_nonces').execute();
    await db.schema.alterTable('wsse_nonces_rebuilt').renameTo('wsse_nonces').execute();
    await db.schema
      .createIndex('wsse_nonces_expires_at_idx')
      .on('wsse_nonces')
      .column('expires_at')
      .execute();
    await sql`commit`.execute(db);
  } catch (error) {
    await sql`rollback`.execute(db);
    throw error;
  }
}
