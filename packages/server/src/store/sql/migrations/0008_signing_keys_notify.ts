import { type Kysely, type Migration, sql } from 'kysely';
import { isSqlite } from './sqlite_table_options.js';

/**
 * On PostgreSQL, every statement that writes `signing_keys` (a `keygate keys rotate`, a key
 * created on first start, a retirement, a prune or a master-key re-seal) sends
 * `NOTIFY keygate_auth_data` with the table's name as payload, through the trigger function
 * `0006_auth_data_notify` made for the other tables authentication reads. Each keygate process
 * then moves its `dataVersion` on, and its signing-key cache reloads on the next request: a
 * key rotated by the CLI is in a running server's JWKS at once (O-11).
 *
 * SQLite needs none of this (its `PRAGMA data_version` sees other connections' commits), so
 * the migration does nothing there.
 */
export const migration0008SigningKeysNotify: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    if (isSqlite(db)) return;
    await sql`
      create trigger keygate_notify_auth_data
      after insert or update or delete or truncate on signing_keys
      for each statement execute function keygate_notify_auth_data()`.execute(db);
  },

  async down(db: Kysely<unknown>): Promise<void> {
    if (isSqlite(db)) return;
    await sql`drop trigger keygate_notify_auth_data on signing_keys`.execute(db);
  },
};
