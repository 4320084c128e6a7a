import { checkRefreshToken, checkUnixSeconds } from '../check_port_input.js';
import type { RefreshRotation, RefreshTokenRecord, RefreshTokenRepository } from '../port.js';
import { param, prepareQuery, type QueryRunner } from './prepared_query.js';
import { toRefreshToken } from './row_mappers.js';
import type { SqlContext } from './sql_context.js';

/**
 * Refresh tokens in the `refresh_tokens` table (O-9). `rotate` is one transaction: a
 * compare-and-set `UPDATE … SET consumed_at, successor_jti, successor_response_sealed WHERE
 * jti = ? AND consumed_at IS NULL RETURNING *`, then, only if it returned the row, the
 * successor's INSERT. SQLite transactions here begin with `BEGIN IMMEDIATE` (one writer at a
 * time, across processes), and PostgreSQL re-checks the WHERE after the row lock, so of any
 * number of concurrent callers exactly one rotates; if the INSERT fails (duplicate jti,
 * unknown family) the whole transaction rolls back and the token stays unused. All statements
 * are compiled once; they join the transaction through `execute(values, trx)`.
 * @param context - database and error guard.
 */
export function createSqlRefreshTokens({ db, guard }: SqlContext): RefreshTokenRepository {
  // Hot path: every refresh reads its token first, and every rotation runs these three.
  const findByJti = prepareQuery(
    db,
    ['jti'],
    db.selectFrom('refresh_tokens').selectAll().where('jti', '=', param<string>('jti')),
  );
  const markConsumed = prepareQuery(
    db,
    ['jti', 'now', 'successorJti', 'successorResponseSealed'],
    db
      .updateTable('refresh_tokens')
      .set({
        consumed_at: param<number>('now'),
        successor_jti: param<string>('successorJti'),
        successor_response_sealed: param<string | null>('successorResponseSealed'),
      })
      .where('jti', '=', param<string>('jti'))
      .where('consumed_at', 'is', null)
      .returningAll(),
  );
  const insert = prepareQuery(
    db,
    [
      'jti',
      'familyId',
      'clientId',
      'userId',
      'organizationId',
      'scope',
      'clientScopesVersion',
      'issuedAt',
      'expiresAt',
      'consumedAt',
      'successorJti',
      'successorResponseSealed',
    ],
    db.insertInto('refresh_tokens').values({
      jti: param<string>('jti'),
      family_id: param<string>('familyId'),
      client_id: param<string>('clientId'),
      user_id: param<string>('userId'),
      organization_id: param<string>('organizationId'),
      scope: param<string>('scope'),
      client_scopes_version: param<number>('clientScopesVersion'),
      issued_at: param<number>('issuedAt'),
      expires_at: param<number>('expiresAt'),
      consumed_at: param<number | null>('consumedAt'),
      successor_jti: param<string | null>('successorJti'),
      successor_response_sealed: param<string | null>('successorResponseSealed'),
    }),
  );

  function insertRecord(record: RefreshTokenRecord, runner: QueryRunner = db) {
    return insert.execute(
      {
        jti: record.jti,
        familyId: record.familyId,
        clientId: record.clientId,
        userId: record.userId,
        organizationId: record.organizationId,
        scope: record.scope,
        clientScopesVersion: record.clientScopesVersion,
        issuedAt: record.issuedAt,
        expiresAt: record.expiresAt,
        consumedAt: record.consumedAt,
        successorJti: record.successorJti,
        successorResponseSealed: record.successorResponseSealed,
      },
      runner,
    );
  }

  return {
    create(record) {
      return guard(async () => {
        checkRefreshToken(record);
        await insertRecord(record);
      });
    },
    findByJti(jti) {
      return guard(async () => {
        const [row] = (await findByJti.execute({ jti })).rows;
        return row ? toRefreshToken(row) : null;
      });
    },
    rotate(jti, now, successor, successorResponseSealed) {
      return guard(async () => {
        checkUnixSeconds(now, 'now');
        checkRefreshToken(successor);
        return db.transaction().execute(async (trx): Promise<RefreshRotation> => {
          const [won] = (
            await markConsumed.execute(
              { jti, now, successorJti: successor.jti, successorResponseSealed },
              trx,
            )
          ).rows;
          if (won) {
            await insertRecord(successor, trx);
            return { outcome: 'rotated', consumed: toRefreshToken(won) };
          }
          const [found] = (await findByJti.execute({ jti }, trx)).rows;
          return found
            ? { outcome: 'already_consumed', record: toRefreshToken(found) }
            : { outcome: 'unknown' };
        });
      });
    },
  };
}
