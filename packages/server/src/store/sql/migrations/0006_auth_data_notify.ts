import { type Kysely, type Migration, sql } from 'kysely';
import { isSqlite } from './sqlite_table_options.js';

/** The tables authentication caches read (see `Store.dataVersion`). */
const AUTH_DATA_TABLES = [
  'organizations',
  'users',
  'memberships',
  'api_credentials',
  'oauth_clients',
] as const;

/**
 * On PostgreSQL, every statement that writes the tables authentication caches read
 * (organizations, users, memberships, credentials, OAuth clients) sends
 * `NOTIFY keygate_auth_data` with the table's name as payload, from a statement-level trigger,
 * whoever writes: a keygate process, the CLI or an operator's own SQL. Each keygate process
 * listens on that channel and moves its `dataVersion` on when a notification arrives, so its
 * caches see other processes' changes almost at once (S-2, W-7). PostgreSQL delivers a
 * notification only when the writing transaction commits, and never for one rolled back.
 *
 * SQLite needs none of this (its `PRAGMA data_version` sees other connections' commits), so
 * the migration does nothing there.
 */
export const migration0006AuthDataNotify: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    if (isSqlite(db)) return;
    await sql`
      create function keygate_notify_auth_data() returns trigger language plpgsql as $$
      begin
        perform pg_notify('keygate_auth_data', TG_TABLE_NAME);
        return null;
      end
      $$`.execute(db);
    for (const table of AUTH_DATA_TABLES) {
      await sql`
        create trigger keygate_notify_auth_data
        after insert or update or delete or truncate on ${sql.table(table)}
        for each statement execute function keygate_notify_auth_data()`.execute(db);
    }
  },

  async down(db: Kysely<unknown>): Promise<void> {
    if (isSqlite(db)) return;
    for (const table of AUTH_DATA_TABLES) {
      await sql`drop trigger keygate_notify_auth_data on ${sql.table(table)}`.execute(db);
    }
    await sql`drop function keygate_notify_auth_data()`.execute(db);
  },
};
