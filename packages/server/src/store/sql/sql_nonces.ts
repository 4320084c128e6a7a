import { checkUnixSeconds } from '../check_port_input.js';
import type { NonceStore } from '../replay_port.js';
import { param, prepareQuery, type QueryRunner } from './prepared_query.js';
import type { SqlContext } from './sql_context.js';

/**
 * The replay store in `wsse_nonces` (W-6). A record with `expires_at = e` is live while
 * `now < e`; `expires_at` null means forever.
 * @param context - database and error guard.
 * @param runner - where `consume`'s upsert runs: the database by default, or a dialect's
 *   own runner for this one statement (SQLite's group-committing writer), which gets the
 *   same compiled query.
 */
export function createSqlNonces({ db, guard }: SqlContext, runner: QueryRunner = db): NonceStore {
  // One atomic statement: insert a new key, or take over an expired record; a live record
  // makes the upsert's WHERE false, so nothing changes and the affected-row count is 0. Both
  // SQLite and PostgreSQL serialise conflicting upserts on the key, so exactly one of any
  // number of concurrent callers (in any process) sees 1.
  const consume = prepareQuery(
    db,
    ['key', 'expiresAt', 'now'],
    db
      .insertInto('wsse_nonces')
      .values({ key: param<string>('key'), expires_at: param<number | null>('expiresAt') })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({ expires_at: (eb) => eb.ref('excluded.expires_at') })
          .where('wsse_nonces.expires_at', 'is not', null)
          .where('wsse_nonces.expires_at', '<=', param<number>('now')),
      ),
  );

  return {
    consume(key, ttlSeconds, now) {
      return guard(async () => {
        checkUnixSeconds(ttlSeconds, 'ttlSeconds');
        checkUnixSeconds(now, 'now');
        const expiresAt = ttlSeconds < 0 ? null : now + ttlSeconds;
        const result = await consume.execute({ key, expiresAt, now }, runner);
        return result.numAffectedRows === 1n;
      });
    },
    deleteAll() {
      return guard(async () => {
        const result = await db.deleteFrom('wsse_nonces').executeTakeFirst();
        return Number(result.numDeletedRows);
      });
    },
    purgeExpired(now) {
      return guard(async () => {
        checkUnixSeconds(now, 'now');
        const result = await db
          .deleteFrom('wsse_nonces')
          .where('expires_at', '<=', now)
          .executeTakeFirst();
        return Number(result.numDeletedRows);
      });
    },
  };
}
