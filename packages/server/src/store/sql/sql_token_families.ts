import { sql } from 'kysely';
import { checkTokenFamily, checkUnixSeconds } from '../check_port_input.js';
import type { TokenFamilyRepository } from '../port.js';
import { param, prepareQuery } from './prepared_query.js';
import { toTokenFamily } from './row_mappers.js';
import type { SqlContext } from './sql_context.js';

/**
 * Token families in the `token_families` table. `revoke` is one conditional UPDATE
 * (`revoked_at IS NULL`), so of concurrent callers exactly one sees a changed row.
 * @param context - database and error guard.
 */
export function createSqlTokenFamilies({ db, guard }: SqlContext): TokenFamilyRepository {
  // Hot path: every Bearer request and every refresh checks its family is not revoked.
  const findById = prepareQuery(
    db,
    ['id'],
    db.selectFrom('token_families').selectAll().where('id', '=', param<string>('id')),
  );

  return {
    create(record) {
      return guard(async () => {
        checkTokenFamily(record);
        await db
          .insertInto('token_families')
          .values({
            id: record.id,
            client_id: record.clientId,
            user_id: record.userId,
            organization_id: record.organizationId,
            created_at: record.createdAt,
            revoked_at: record.revokedAt,
          })
          .execute();
      });
    },
    findById(id) {
      return guard(async () => {
        const [row] = (await findById.execute({ id })).rows;
        return row ? toTokenFamily(row) : null;
      });
    },
    revoke(id, revokedAt) {
      return guard(async () => {
        checkUnixSeconds(revokedAt, 'revokedAt');
        const result = await db
          .updateTable('token_families')
          .set({ revoked_at: revokedAt })
          .where('id', '=', id)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        return result.numUpdatedRows > 0n;
      });
    },
    revokeForUser(userId, revokedAt) {
      return guard(async () => {
        checkUnixSeconds(revokedAt, 'revokedAt');
        const result = await db
          .updateTable('token_families')
          .set({ revoked_at: revokedAt })
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        return Number(result.numUpdatedRows);
      });
    },
    purgeExpired(now, graceSeconds) {
      return guard(async () => {
        checkUnixSeconds(now, 'now');
        checkUnixSeconds(graceSeconds, 'graceSeconds');
        if (graceSeconds < 0) throw new TypeError('graceSeconds must not be negative');
        const before = now - graceSeconds;
        // Codes and refresh tokens go with their family (ON DELETE CASCADE).
        const result = await db
          .deleteFrom('token_families')
          .where('created_at', '<', before)
          .where(({ exists, not, selectFrom }) =>
            not(
              exists(
                selectFrom('refresh_tokens')
                  .select(sql<number>`1`.as('one'))
                  .whereRef('refresh_tokens.family_id', '=', 'token_families.id')
                  .where((eb) =>
                    eb.or([
                      eb('refresh_tokens.expires_at', '>=', now),
                      eb('refresh_tokens.issued_at', '>=', before),
                    ]),
                  ),
              ),
            ),
          )
          .where(({ exists, not, selectFrom }) =>
            not(
              exists(
                selectFrom('authorization_codes')
                  .select(sql<number>`1`.as('one'))
                  .whereRef('authorization_codes.family_id', '=', 'token_families.id')
                  .where('authorization_codes.expires_at', '>=', before),
              ),
            ),
          )
          .executeTakeFirst();
        return Number(result.numDeletedRows);
      });
    },
  };
}
