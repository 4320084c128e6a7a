import { checkAuthorizationCode, checkUnixSeconds } from '../check_port_input.js';
import type { AuthorizationCodeRepository } from '../port.js';
import { param, prepareQuery } from './prepared_query.js';
import { toAuthorizationCode } from './row_mappers.js';
import type { SqlContext } from './sql_context.js';

/**
 * Authorization codes in the `authorization_codes` table (O-5). `consume` is one
 * compare-and-set, `UPDATE … SET consumed_at = now WHERE code_hash = ? AND consumed_at IS NULL
 * RETURNING *`, reading in the same statement whether the code's family is still unrevoked: SQLite runs writes one at a time and PostgreSQL re-checks the WHERE after the
 * row lock, so of any number of concurrent callers (in any process) exactly one gets the row
 * back. Only when no row came back does a second query tell a used code from an unknown one;
 * a consumed code never becomes unconsumed, so that read cannot be stale in a way that matters.
 * A code with expiry `e` is purged by `purgeExpired(now)` once `e < now`.
 * @param context - database and error guard.
 */
export function createSqlAuthorizationCodes({
  db,
  guard,
}: SqlContext): AuthorizationCodeRepository {
  const markConsumed = prepareQuery(
    db,
    ['codeHash', 'now'],
    db
      .updateTable('authorization_codes')
      .set({ consumed_at: param<number>('now') })
      .where('code_hash', '=', param<string>('codeHash'))
      .where('consumed_at', 'is', null)
      .returningAll()
      .returning((eb) =>
        eb
          .selectFrom('token_families')
          .select(eb.lit(1).as('live'))
          .whereRef('token_families.id', '=', 'authorization_codes.family_id')
          .where('token_families.revoked_at', 'is', null)
          .as('family_live'),
      ),
  );
  const findByCodeHash = prepareQuery(
    db,
    ['codeHash'],
    db
      .selectFrom('authorization_codes')
      .selectAll()
      .where('code_hash', '=', param<string>('codeHash')),
  );

  return {
    create(record) {
      return guard(async () => {
        checkAuthorizationCode(record);
        await db
          .insertInto('authorization_codes')
          .values({
            code_hash: record.codeHash,
            client_id: record.clientId,
            redirect_uri: record.redirectUri,
            scope: record.scope,
            user_id: record.userId,
            organization_id: record.organizationId,
            code_challenge: record.codeChallenge,
            code_challenge_method: record.codeChallengeMethod,
            family_id: record.familyId,
            created_at: record.createdAt,
            expires_at: record.expiresAt,
            consumed_at: record.consumedAt,
          })
          .execute();
      });
    },
    consume(codeHash, now) {
      return guard(async () => {
        checkUnixSeconds(now, 'now');
        const [won] = (await markConsumed.execute({ codeHash, now })).rows;
        if (won) {
          return {
            outcome: 'consumed',
            record: toAuthorizationCode(won),
            // A missing family counts as revoked: nothing may be issued into it.
            familyRevoked: won.family_live === null,
          };
        }
        const [found] = (await findByCodeHash.execute({ codeHash })).rows;
        return found
          ? { outcome: 'already_consumed', record: toAuthorizationCode(found) }
          : { outcome: 'unknown' };
      });
    },
    purgeExpired(now) {
      return guard(async () => {
        checkUnixSeconds(now, 'now');
        const result = await db
          .deleteFrom('authorization_codes')
          .where('expires_at', '<', now)
          .executeTakeFirst();
        return Number(result.numDeletedRows);
      });
    },
  };
}
