import { checkUnixSeconds } from '../check_port_input.js';
import type { MembershipRepository } from '../port.js';
import { param, prepareQuery } from './prepared_query.js';
import { toMembership } from './row_mappers.js';
import type { SqlContext } from './sql_context.js';

/**
 * Memberships in the `memberships` table (primary key user + organization).
 * @param context - database and error guard.
 */
export function createSqlMemberships({ db, guard }: SqlContext): MembershipRepository {
  // Hot path: every WSSE request checks the user still belongs to the organization.
  const isMember = prepareQuery(
    db,
    ['userId', 'organizationId'],
    db
      .selectFrom('memberships')
      .select('user_id')
      .where('user_id', '=', param<string>('userId'))
      .where('organization_id', '=', param<string>('organizationId')),
  );

  return {
    add(record) {
      return guard(async () => {
        checkUnixSeconds(record.createdAt, 'createdAt');
        // One statement: an existing membership is left as it is and reported as false.
        const result = await db
          .insertInto('memberships')
          .values({
            user_id: record.userId,
            organization_id: record.organizationId,
            created_at: record.createdAt,
          })
          .onConflict((oc) => oc.columns(['user_id', 'organization_id']).doNothing())
          .executeTakeFirst();
        return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
      });
    },
    isMember(userId, organizationId) {
      return guard(
        async () => (await isMember.execute({ userId, organizationId })).rows.length > 0,
      );
    },
    listForUser(userId) {
      return guard(async () => {
        const rows = await db
          .selectFrom('memberships')
          .selectAll()
          .where('user_id', '=', userId)
          .orderBy('created_at')
          .orderBy('organization_id')
          .execute();
        return rows.map(toMembership);
      });
    },
  };
}
