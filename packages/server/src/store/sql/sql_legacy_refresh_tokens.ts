import { type Selectable, sql } from 'kysely';
import { checkLegacyRefreshToken } from '../check_legacy_refresh_token.js';
import { checkUnixSeconds } from '../check_port_input.js';
import type { LegacyRefreshTokenRecord, LegacyRefreshTokenRepository } from '../port.js';
import type { LegacyRefreshTokensTable } from './database.js';
import type { SqlContext } from './sql_context.js';

/**
 * Legacy refresh tokens in `legacy_refresh_tokens` (L-3), shared by SQLite and PostgreSQL.
 * `use` is one statement, `UPDATE … SET last_used_at = greatest(last_used_at, now) WHERE
 * token_hash = ? AND revoked_at IS NULL AND last_used_at > now - idle RETURNING *`, so the
 * idle check and the slide can never be split by a concurrent revocation or purge: a token
 * revoked before the statement runs is never used after.
 * @param context - database and error guard.
 */
export function createSqlLegacyRefreshTokens({
  db,
  guard,
}: SqlContext): LegacyRefreshTokenRepository {
  return {
    create(record) {
      return guard(async () => {
        checkLegacyRefreshToken(record);
        await db
          .insertInto('legacy_refresh_tokens')
          .values({
            id: record.id,
            token_hash: record.tokenHash,
            user_id: record.userId,
            organization_id: record.organizationId,
            created_at: record.createdAt,
            last_used_at: record.lastUsedAt,
            revoked_at: record.revokedAt,
          })
          .execute();
      });
    },
    findById(id) {
      return guard(async () => {
        const row = await db
          .selectFrom('legacy_refresh_tokens')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirst();
        return row ? toRecord(row) : null;
      });
    },
    use(tokenHash, now, idleSeconds) {
      return guard(async () => {
        checkUnixSeconds(now, 'now');
        checkUnixSeconds(idleSeconds, 'idleSeconds');
        // `case` rather than greatest()/max(): the one spelling both dialects share.
        const row = await db
          .updateTable('legacy_refresh_tokens')
          .set({
            last_used_at: sql<number>`case when last_used_at < ${now} then ${now} else last_used_at end`,
          })
          .where('token_hash', '=', tokenHash)
          .where('revoked_at', 'is', null)
          .where('last_used_at', '>', now - idleSeconds)
          .returningAll()
          .executeTakeFirst();
        return row ? toRecord(row) : null;
      });
    },
    revokeForUser(userId, now) {
      return guard(async () => {
        checkUnixSeconds(now, 'now');
        const result = await db
          .updateTable('legacy_refresh_tokens')
          .set({ revoked_at: now })
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        return Number(result.numUpdatedRows);
      });
    },
    purge(now, idleSeconds) {
      return guard(async () => {
        checkUnixSeconds(now, 'now');
        checkUnixSeconds(idleSeconds, 'idleSeconds');
        const result = await db
          .deleteFrom('legacy_refresh_tokens')
          .where((eb) =>
            eb.or([eb('revoked_at', 'is not', null), eb('last_used_at', '<=', now - idleSeconds)]),
          )
          .executeTakeFirst();
        return Number(result.numDeletedRows);
      });
    },
  };
}

function toRecord(row: Selectable<LegacyRefreshTokensTable>): LegacyRefreshTokenRecord {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    userId: row.user_id,
    organizationId: row.organization_id,
    createdAt: Number(row.created_at),
    lastUsedAt: Number(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}
