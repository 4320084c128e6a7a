import { checkCounterTtl, checkUnixSeconds } from '../check_port_input.js';
import type { CounterStore } from '../replay_port.js';
import { param, prepareQuery } from './prepared_query.js';
import type { SqlContext } from './sql_context.js';

/**
 * Rate-limit counters in `rate_counters`. A window with end `e` is live while `now < e`.
 * @param context - database and error guard.
 */
export function createSqlCounters({ db, guard }: SqlContext): CounterStore {
  // One atomic upsert: a new key starts at 1; a live row counts up and keeps its window end;
  // an expired row starts again at 1 with a new end. Count and end are written in the same
  // statement, so a counter can never lose its expiry. Both SQLite and PostgreSQL serialise
  // conflicting upserts on the key, so concurrent callers get distinct counts.
  const increment = prepareQuery(
    db,
    ['key', 'expiresAt', 'now'],
    db
      .insertInto('rate_counters')
      .values({ key: param<string>('key'), count: 1, expires_at: param<number>('expiresAt') })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => {
          const expired = eb('rate_counters.expires_at', '<=', param<number>('now'));
          return {
            count: eb
              .case()
              .when(expired)
              .then(eb.lit(1))
              .else(eb('rate_counters.count', '+', eb.lit(1)))
              .end(),
            expires_at: eb
              .case()
              .when(expired)
              .then(eb.ref('excluded.expires_at'))
              .else(eb.ref('rate_counters.expires_at'))
              .end(),
          };
        }),
      )
      .returning(['count', 'expires_at']),
  );

  return {
    increment(key, ttlSeconds, now) {
      return guard(async () => {
        checkCounterTtl(ttlSeconds);
        checkUnixSeconds(now, 'now');
        const result = await increment.execute({ key, expiresAt: now + ttlSeconds, now });
        const row = result.rows[0];
        if (!row) throw new Error('rate counter upsert returned no row');
        return { count: Number(row.count), expiresAt: Number(row.expires_at) };
      });
    },
    purgeExpired(now) {
      return guard(async () => {
        checkUnixSeconds(now, 'now');
        // The upsert restarts an ended window in place, so deleting it changes no count.
        const result = await db
          .deleteFrom('rate_counters')
          .where('expires_at', '<=', now)
          .executeTakeFirst();
        return Number(result.numDeletedRows);
      });
    },
  };
}
