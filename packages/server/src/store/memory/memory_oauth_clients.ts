import { checkOAuthClient, checkOAuthClientPatch } from '../check_port_input.js';
import type { OAuthClientPatch, OAuthClientRecord, OAuthClientRepository } from '../port.js';
import { StoreConflictError } from '../port.js';
import { assertOpen, compareText, type MemoryTables } from './memory_tables.js';

/**
 * OAuth clients held in memory, with the SQL schema's rules: `oauth_client.client_id` unique,
 * and deleting a client deletes its token families, authorization codes and refresh tokens
 * (the schema's `ON DELETE CASCADE`, including codes and tokens of a deleted family). Lists are
 * ordered by creation time, then client id.
 * @param tables - the store's shared state.
 */
export function createMemoryOAuthClients(tables: MemoryTables): OAuthClientRepository {
  const { oauthClients } = tables;

  return {
    async create(record) {
      assertOpen(tables);
      checkOAuthClient(record);
      if (oauthClients.has(record.clientId)) {
        throw new StoreConflictError('oauth_client.client_id');
      }
      oauthClients.set(record.clientId, copy(record));
    },
    async findByClientId(clientId) {
      assertOpen(tables);
      const found = oauthClients.get(clientId);
      return found ? copy(found) : null;
    },
    async list() {
      assertOpen(tables);
      return [...oauthClients.values()]
        .sort((a, b) => a.createdAt - b.createdAt || compareText(a.clientId, b.clientId))
        .map(copy);
    },
    async update(clientId, patch) {
      assertOpen(tables);
      checkOAuthClientPatch(patch);
      const found = oauthClients.get(clientId);
      if (!found) return null;
      const updated = applyPatch(found, patch);
      oauthClients.set(clientId, updated);
      return copy(updated);
    },
    async delete(clientId) {
      assertOpen(tables);
      if (!oauthClients.delete(clientId)) return false;
      const families = new Set<string>();
      for (const family of tables.tokenFamilies.values()) {
        if (family.clientId === clientId) families.add(family.id);
      }
      for (const id of families) tables.tokenFamilies.delete(id);
      const issued = (row: { clientId: string; familyId: string }) =>
        row.clientId === clientId || families.has(row.familyId);
      for (const [hash, code] of tables.authorizationCodes) {
        if (issued(code)) tables.authorizationCodes.delete(hash);
      }
      for (const [jti, token] of tables.refreshTokens) {
        if (issued(token)) tables.refreshTokens.delete(jti);
      }
      return true;
    },
  };
}

/**
 * The record with the patch's fields applied; undefined means "leave as it is", and keys the
 * patch type does not list are ignored (as the SQL adapter's column list ignores them).
 */
function applyPatch(found: OAuthClientRecord, patch: OAuthClientPatch): OAuthClientRecord {
  const keep = <T>(next: T | undefined, current: T): T => (next === undefined ? current : next);
  return copy({
    ...found,
    name: keep(patch.name, found.name),
    secretHash: keep(patch.secretHash, found.secretHash),
    redirectUris: keep(patch.redirectUris, found.redirectUris),
    grantTypes: keep(patch.grantTypes, found.grantTypes),
    scopes: keep(patch.scopes, found.scopes),
    skipConsent: keep(patch.skipConsent, found.skipConsent),
    requirePkce: keep(patch.requirePkce, found.requirePkce),
    allowPlainPkce: keep(patch.allowPlainPkce, found.allowPlainPkce),
    introspectAnyToken: keep(patch.introspectAnyToken, found.introspectAnyToken),
    scopesVersion: keep(patch.scopesVersion, found.scopesVersion),
    updatedAt: keep(patch.updatedAt, found.updatedAt),
  });
}

function copy(record: OAuthClientRecord): OAuthClientRecord {
  return {
    clientId: record.clientId,
    name: record.name,
    secretHash: record.secretHash,
    redirectUris: [...record.redirectUris],
    grantTypes: [...record.grantTypes],
    scopes: [...record.scopes],
    skipConsent: record.skipConsent,
    requirePkce: record.requirePkce,
    allowPlainPkce: record.allowPlainPkce,
    introspectAnyToken: record.introspectAnyToken,
    scopesVersion: record.scopesVersion,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
