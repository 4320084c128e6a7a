import { checkCredentialStatus, checkString, checkUnixSeconds } from '../check_port_input.js';
import type { CredentialRepository } from '../port.js';
import { StoreConflictError } from '../port.js';
import { param, prepareQuery } from './prepared_query.js';
import { toCredential } from './row_mappers.js';
import type { SqlContext } from './sql_context.js';

/**
 * API credentials in the `api_credentials` table. The schema enforces the rules: unique key,
 * the partial unique index `api_credentials_user_org_usable` (one non-revoked credential per
 * user and organization, so concurrent creates get exactly one winner), and every status
 * change or secret reset is one conditional UPDATE (`status <> 'revoked'`), never
 * read-then-write. Lists are ordered by creation time, then id.
 * @param context - database and error guard.
 */
export function createSqlCredentials({ db, guard }: SqlContext): CredentialRepository {
  // Hot path: every WSSE request (Penneo style) resolves its Username as a key.
  const findByKey = prepareQuery(
    db,
    ['key'],
    db.selectFrom('api_credentials').selectAll().where('key', '=', param<string>('key')),
  );

  return {
    create(record) {
      return guard(async () => {
        checkCredentialStatus(record.status);
        checkUnixSeconds(record.createdAt, 'createdAt');
        checkUnixSeconds(record.secretSetAt, 'secretSetAt');
        await db
          .insertInto('api_credentials')
          .values({
            id: record.id,
            key: record.key,
            user_id: record.userId,
            organization_id: record.organizationId,
            secret_ciphertext: record.secretCiphertext,
            status: record.status,
            created_at: record.createdAt,
            secret_set_at: record.secretSetAt,
          })
          .execute();
      });
    },
    findById(id) {
      return guard(async () => {
        const row = await db
          .selectFrom('api_credentials')
          .selectAll()
          .where('id', '=', id)
          .executeTakeFirst();
        return row ? toCredential(row) : null;
      });
    },
    findByKey(key) {
      return guard(async () => {
        const [row] = (await findByKey.execute({ key })).rows;
        return row ? toCredential(row) : null;
      });
    },
    listUsableForUser(userId) {
      return guard(async () => {
        const rows = await db
          .selectFrom('api_credentials')
          .selectAll()
          .where('user_id', '=', userId)
          .where('status', '<>', 'revoked')
          .orderBy('created_at')
          .orderBy('id')
          .execute();
        return rows.map(toCredential);
      });
    },
    list(filter = {}) {
      return guard(async () => {
        let query = db.selectFrom('api_credentials').selectAll();
        if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
        if (filter.organizationId !== undefined) {
          query = query.where('organization_id', '=', filter.organizationId);
        }
        const rows = await query.orderBy('created_at').orderBy('id').execute();
        return rows.map(toCredential);
      });
    },
    replaceSecret(id, secretCiphertext, secretSetAt) {
      return guard(async () => {
        checkUnixSeconds(secretSetAt, 'secretSetAt');
        const result = await db
          .updateTable('api_credentials')
          .set({ secret_ciphertext: secretCiphertext, secret_set_at: secretSetAt })
          .where('id', '=', id)
          .where('status', '<>', 'revoked')
          .executeTakeFirst();
        return result.numUpdatedRows > 0n;
      });
    },
    setStatus(id, status) {
      return guard(async () => {
        checkCredentialStatus(status);
        // Moving between non-revoked states keeps the row in its user+org slot, so this can
        // never break the one-usable-credential rule; revoked rows are left untouched.
        const result = await db
          .updateTable('api_credentials')
          .set({ status })
          .where('id', '=', id)
          .where('status', '<>', 'revoked')
          .executeTakeFirst();
        return result.numUpdatedRows > 0n;
      });
    },
    resealAll(reseal) {
      return guard(() =>
        db.transaction().execute(async (trx) => {
          const rows = await trx
            .selectFrom('api_credentials')
            .selectAll()
            .orderBy('created_at')
            .orderBy('id')
            .execute();
          // Every callback runs before the first write; a throw rolls back an empty transaction.
          const rewrites = rows.map((row) => {
            const record = toCredential(row);
            const next: unknown = reseal(record);
            checkString(next, 'resealed ciphertext');
            return { id: record.id, previous: record.secretCiphertext, next };
          });
          for (const { id, previous, next } of rewrites) {
            // Compare-and-set: on a dialect whose transactions do not lock the rows read
            // (PostgreSQL READ COMMITTED), a secret reset committed since the SELECT must not be
            // overwritten with a reseal of the old secret. Abort the whole run instead.
            const result = await trx
              .updateTable('api_credentials')
              .set({ secret_ciphertext: next })
              .where('id', '=', id)
              .where('secret_ciphertext', '=', previous)
              .executeTakeFirst();
            if (result.numUpdatedRows !== 1n) throw new StoreConflictError('credential.secret');
          }
          return rewrites.length;
        }),
      );
    },
  };
}
