import { sql } from 'kysely';
import { checkOptionalUnixSeconds, checkUnixSeconds } from '../check_port_input.js';
import type { UserRepository } from '../port.js';
import { param, prepareQuery } from './prepared_query.js';
import { toUser } from './row_mappers.js';
import type { SqlContext } from './sql_context.js';

/**
 * Users in the `users` table. Lists are ordered by creation time, then id.
 * @param context - database and error guard.
 */
export function createSqlUsers({ db, guard }: SqlContext): UserRepository {
  // Hot path: every WSSE request checks the credential's user is still active.
  const findById = prepareQuery(
    db,
    ['id'],
    db.selectFrom('users').selectAll().where('id', '=', param<string>('id')),
  );

  return {
    create(record) {
      return guard(async () => {
        checkUnixSeconds(record.createdAt, 'createdAt');
        checkOptionalUnixSeconds(record.disabledAt, 'disabledAt');
        await db
          .insertInto('users')
          .values({
            id: record.id,
            login: record.login,
            email: record.email,
            password_hash: record.passwordHash,
            created_at: record.createdAt,
            disabled_at: record.disabledAt,
          })
          .execute();
      });
    },
    findById(id) {
      return guard(async () => {
        const [row] = (await findById.execute({ id })).rows;
        return row ? toUser(row) : null;
      });
    },
    findByLogin(login) {
      return guard(async () => {
        const row = await db
          .selectFrom('users')
          .selectAll()
          .where('login', '=', login)
          .executeTakeFirst();
        return row ? toUser(row) : null;
      });
    },
    list() {
      return guard(async () => {
        const rows = await db
          .selectFrom('users')
          .selectAll()
          .orderBy('created_at')
          .orderBy('id')
          .execute();
        return rows.map(toUser);
      });
    },
    count() {
      return guard(async () => {
        const row = await db
          .selectFrom('users')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow();
        return Number(row.n);
      });
    },
    setDisabled(id, disabledAt) {
      return guard(async () => {
        checkOptionalUnixSeconds(disabledAt, 'disabledAt');
        const result = await db
          .updateTable('users')
          .set({ disabled_at: disabledAt })
          .where('id', '=', id)
          .executeTakeFirst();
        return result.numUpdatedRows > 0n;
      });
    },
    setPasswordHash(id, passwordHash) {
      return guard(async () => {
        const result = await db
          .updateTable('users')
          .set({ password_hash: passwordHash })
          .where('id', '=', id)
          .executeTakeFirst();
        return result.numUpdatedRows > 0n;
      });
    },
    findSessionGeneration(id) {
      return guard(async () => {
        const row = await db
          .selectFrom('users')
          .select('session_generation')
          .where('id', '=', id)
          .executeTakeFirst();
        return row ? Number(row.session_generation) : null;
      });
    },
    endSessions(id) {
      return guard(async () => {
        const result = await db
          .updateTable('users')
          .set({ session_generation: sql<number>`session_generation + 1` })
          .where('id', '=', id)
          .executeTakeFirst();
        return result.numUpdatedRows > 0n;
      });
    },
  };
}
