import { checkSigningKey, checkString, checkUnixSeconds } from '../check_port_input.js';
import type { SigningKeyRepository } from '../port.js';
import { StoreConflictError } from '../port.js';
import { toSigningKey } from './row_mappers.js';
import type { SqlContext } from './sql_context.js';

/**
 * Signing keys in the `signing_keys` table (O-11). `retire` is one conditional UPDATE
 * (`retired_at IS NULL`); `resealAll` rewrites every private key in one transaction, all or
 * nothing, like `credentials.resealAll`. Lists are oldest first: by creation time, then kid.
 * @param context - database and error guard.
 */
export function createSqlSigningKeys({ db, guard }: SqlContext): SigningKeyRepository {
  return {
    create(record) {
      return guard(async () => {
        checkSigningKey(record);
        await db
          .insertInto('signing_keys')
          .values({
            kid: record.kid,
            alg: record.alg,
            public_jwk: record.publicJwk,
            private_jwk_sealed: record.privateJwkSealed,
            created_at: record.createdAt,
            activates_at: record.activatesAt,
            retired_at: record.retiredAt,
          })
          .execute();
      });
    },
    list() {
      return guard(async () => {
        const rows = await db
          .selectFrom('signing_keys')
          .selectAll()
          .orderBy('created_at')
          .orderBy('kid')
          .execute();
        return rows.map(toSigningKey);
      });
    },
    retire(kid, retiredAt) {
      return guard(async () => {
        checkUnixSeconds(retiredAt, 'retiredAt');
        const result = await db
          .updateTable('signing_keys')
          .set({ retired_at: retiredAt })
          .where('kid', '=', kid)
          .where('retired_at', 'is', null)
          .executeTakeFirst();
        return result.numUpdatedRows > 0n;
      });
    },
    deleteRetiredBefore(before) {
      return guard(async () => {
        checkUnixSeconds(before, 'before');
        const result = await db
          .deleteFrom('signing_keys')
          .where('retired_at', 'is not', null)
          .where('retired_at', '<', before)
          .executeTakeFirst();
        return Number(result.numDeletedRows);
      });
    },
    resealAll(reseal) {
      return guard(() =>
        db.transaction().execute(async (trx) => {
          const rows = await trx
            .selectFrom('signing_keys')
            .selectAll()
            .orderBy('created_at')
            .orderBy('kid')
            .execute();
          // Every callback runs before the first write; a throw rolls back an empty transaction.
          const rewrites = rows.map((row) => {
            const record = toSigningKey(row);
            const next: unknown = reseal(record);
            checkString(next, 'resealed private key');
            return { kid: record.kid, previous: record.privateJwkSealed, next };
          });
          for (const { kid, previous, next } of rewrites) {
            // Compare-and-set, as in credentials.resealAll: on a dialect whose transactions do
            // not lock the rows read (PostgreSQL READ COMMITTED), a key deleted or rewritten
            // since the SELECT aborts the whole run instead of being overwritten.
            const result = await trx
              .updateTable('signing_keys')
              .set({ private_jwk_sealed: next })
              .where('kid', '=', kid)
              .where('private_jwk_sealed', '=', previous)
              .executeTakeFirst();
            if (result.numUpdatedRows !== 1n) {
              throw new StoreConflictError('signing_key.private_jwk_sealed');
            }
          }
          return rewrites.length;
        }),
      );
    },
  };
}
