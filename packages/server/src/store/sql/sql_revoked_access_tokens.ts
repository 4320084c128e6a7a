import { checkUnixSeconds } from '../check_port_input.js';
import type { RevokedAccessTokenRepository } from '../port.js';
import { param, prepareQuery } from './prepared_query.js';
import type { SqlContext } from './sql_context.js';

/**
 * Revoked access tokens in `revoked_access_tokens` (RFC 7009). `add` is one
 * `INSERT … ON CONFLICT DO NOTHING` (idempotent; the first expiry recorded stays). A record
 * with expiry `e` is purged by `purgeExpired(now)` once `e < now`; `isRevoked` answers true
 * until then.
 * @param context - database and error guard.
 */
export function createSqlRevokedAccessTokens({
  db,
  guard,
}: SqlContext): RevokedAccessTokenRepository {
  // Hot path: every Bearer request asks whether its jti was revoked.
  const isRevoked = prepareQuery(
    db,
    ['jti'],
    db.selectFrom('revoked_access_tokens').select('jti').where('jti', '=', param<string>('jti')),
  );

  return {
    add(jti, expiresAt) {
      return guard(async () => {
        checkUnixSeconds(expiresAt, 'expiresAt');
        await db
          .insertInto('revoked_access_tokens')
          .values({ jti, expires_at: expiresAt })
          .onConflict((oc) => oc.column('jti').doNothing())
          .execute();
      });
    },
    isRevoked(jti) {
      return guard(async () => (await isRevoked.execute({ jti })).rows.length > 0);
    },
    purgeExpired(now) {
      return guard(async () => {
        checkUnixSeconds(now, 'now');
        const result = await db
          .deleteFrom('revoked_access_tokens')
          .where('expires_at', '<', now)
          .executeTakeFirst();
        return Number(result.numDeletedRows);
      });
    },
  };
}
