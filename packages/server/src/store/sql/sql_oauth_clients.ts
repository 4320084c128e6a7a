import type { Updateable } from 'kysely';
import { checkOAuthClient, checkOAuthClientPatch } from '../check_port_input.js';
import type { OAuthClientPatch, OAuthClientRepository } from '../port.js';
import { encodeFlag, encodeTextList } from './column_codecs.js';
import type { OAuthClientsTable } from './database.js';
import { param, prepareQuery } from './prepared_query.js';
import { toOAuthClient } from './row_mappers.js';
import type { SqlContext } from './sql_context.js';

/**
 * OAuth clients in the `oauth_clients` table. `update` is one `UPDATE … RETURNING`; `delete`
 * is one `DELETE` whose `ON DELETE CASCADE` foreign keys remove the client's token families,
 * authorization codes and refresh tokens in the same statement. Lists are ordered by creation
 * time, then client id.
 * @param context - database and error guard.
 */
export function createSqlOAuthClients({ db, guard }: SqlContext): OAuthClientRepository {
  // Hot path: every token request authenticates its client, every Bearer request without an
  // organization checks its client still exists.
  const findByClientId = prepareQuery(
    db,
    ['clientId'],
    db.selectFrom('oauth_clients').selectAll().where('client_id', '=', param<string>('clientId')),
  );

  return {
    create(record) {
      return guard(async () => {
        checkOAuthClient(record);
        await db
          .insertInto('oauth_clients')
          .values({
            client_id: record.clientId,
            name: record.name,
            secret_hash: record.secretHash,
            redirect_uris: encodeTextList(record.redirectUris),
            grant_types: encodeTextList(record.grantTypes),
            scopes: encodeTextList(record.scopes),
            skip_consent: encodeFlag(record.skipConsent),
            require_pkce: encodeFlag(record.requirePkce),
            allow_plain_pkce: encodeFlag(record.allowPlainPkce),
            introspect_any_token: encodeFlag(record.introspectAnyToken),
            scopes_version: record.scopesVersion,
            created_at: record.createdAt,
            updated_at: record.updatedAt,
          })
          .execute();
      });
    },
    findByClientId(clientId) {
      return guard(async () => {
        const [row] = (await findByClientId.execute({ clientId })).rows;
        return row ? toOAuthClient(row) : null;
      });
    },
    list() {
      return guard(async () => {
        const rows = await db
          .selectFrom('oauth_clients')
          .selectAll()
          .orderBy('created_at')
          .orderBy('client_id')
          .execute();
        return rows.map(toOAuthClient);
      });
    },
    update(clientId, patch) {
      return guard(async () => {
        checkOAuthClientPatch(patch);
        const set = toColumns(patch);
        // Nothing to set: SQL has no empty SET, and the answer is the record as it is.
        const row =
          Object.keys(set).length === 0
            ? (await findByClientId.execute({ clientId })).rows[0]
            : await db
                .updateTable('oauth_clients')
                .set(set)
                .where('client_id', '=', clientId)
                .returningAll()
                .executeTakeFirst();
        return row ? toOAuthClient(row) : null;
      });
    },
    delete(clientId) {
      return guard(async () => {
        const result = await db
          .deleteFrom('oauth_clients')
          .where('client_id', '=', clientId)
          .executeTakeFirst();
        return result.numDeletedRows > 0n;
      });
    },
  };
}

/** The columns a patch sets; keys whose value is undefined are left out (unchanged). */
function toColumns(patch: OAuthClientPatch): Updateable<OAuthClientsTable> {
  const set: Updateable<OAuthClientsTable> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.secretHash !== undefined) set.secret_hash = patch.secretHash;
  if (patch.redirectUris !== undefined) set.redirect_uris = encodeTextList(patch.redirectUris);
  if (patch.grantTypes !== undefined) set.grant_types = encodeTextList(patch.grantTypes);
  if (patch.scopes !== undefined) set.scopes = encodeTextList(patch.scopes);
  if (patch.skipConsent !== undefined) set.skip_consent = encodeFlag(patch.skipConsent);
  if (patch.requirePkce !== undefined) set.require_pkce = encodeFlag(patch.requirePkce);
  if (patch.allowPlainPkce !== undefined) set.allow_plain_pkce = encodeFlag(patch.allowPlainPkce);
  if (patch.introspectAnyToken !== undefined) {
    set.introspect_any_token = encodeFlag(patch.introspectAnyToken);
  }
  if (patch.scopesVersion !== undefined) set.scopes_version = patch.scopesVersion;
  if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
  return set;
}
