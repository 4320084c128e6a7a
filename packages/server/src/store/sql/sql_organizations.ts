import { checkOptionalUnixSeconds, checkUnixSeconds } from '../check_port_input.js';
import type { OrganizationRepository } from '../port.js';
import { param, prepareQuery } from './prepared_query.js';
import { toOrganization } from './row_mappers.js';
import type { SqlContext } from './sql_context.js';

/**
 * Organizations in the `organizations` table. Lists are ordered by creation time, then id.
 * @param context - database and error guard.
 */
export function createSqlOrganizations({ db, guard }: SqlContext): OrganizationRepository {
  // Hot path: every WSSE request checks the credential's organization is still active.
  const findById = prepareQuery(
    db,
    ['id'],
    db.selectFrom('organizations').selectAll().where('id', '=', param<string>('id')),
  );

  return {
    create(record) {
      return guard(async () => {
        checkUnixSeconds(record.createdAt, 'createdAt');
        checkOptionalUnixSeconds(record.disabledAt, 'disabledAt');
        await db
          .insertInto('organizations')
          .values({
            id: record.id,
            name: record.name,
            created_at: record.createdAt,
            disabled_at: record.disabledAt,
          })
          .execute();
      });
    },
    findById(id) {
      return guard(async () => {
        const [row] = (await findById.execute({ id })).rows;
        return row ? toOrganization(row) : null;
      });
    },
    findByName(name) {
      return guard(async () => {
        const row = await db
          .selectFrom('organizations')
          .selectAll()
          .where('name', '=', name)
          .executeTakeFirst();
        return row ? toOrganization(row) : null;
      });
    },
    list() {
      return guard(async () => {
        const rows = await db
          .selectFrom('organizations')
          .selectAll()
          .orderBy('created_at')
          .orderBy('id')
          .execute();
        return rows.map(toOrganization);
      });
    },
    setDisabled(id, disabledAt) {
      return guard(async () => {
        checkOptionalUnixSeconds(disabledAt, 'disabledAt');
        const result = await db
          .updateTable('organizations')
          .set({ disabled_at: disabledAt })
          .where('id', '=', id)
          .executeTakeFirst();
        return result.numUpdatedRows > 0n;
      });
    },
  };
}
