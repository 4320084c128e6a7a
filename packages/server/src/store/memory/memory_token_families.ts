import { checkTokenFamily, checkUnixSeconds } from '../check_port_input.js';
import type { TokenFamilyRecord, TokenFamilyRepository } from '../port.js';
import { StoreConflictError } from '../port.js';
import { StoreReferenceError } from '../store_reference_error.js';
import { assertOpen, type MemoryTables } from './memory_tables.js';

/**
 * Token families held in memory, with the SQL schema's rules: `token_family.id` unique, and a
 * family names an existing client, user and organization (`StoreReferenceError` otherwise).
 * `revoke` checks and sets in one synchronous step, so of concurrent callers exactly one gets
 * true.
 * @param tables - the store's shared state.
 */
export function createMemoryTokenFamilies(tables: MemoryTables): TokenFamilyRepository {
  const { tokenFamilies } = tables;

  return {
    async create(record) {
      assertOpen(tables);
      checkTokenFamily(record);
      if (tokenFamilies.has(record.id)) throw new StoreConflictError('token_family.id');
      if (
        !tables.oauthClients.has(record.clientId) ||
        !tables.users.has(record.userId) ||
        !tables.organizations.has(record.organizationId)
      ) {
        throw new StoreReferenceError();
      }
      tokenFamilies.set(record.id, copy(record));
    },
    async findById(id) {
      assertOpen(tables);
      const found = tokenFamilies.get(id);
      return found ? copy(found) : null;
    },
    async revoke(id, revokedAt) {
      assertOpen(tables);
      checkUnixSeconds(revokedAt, 'revokedAt');
      const found = tokenFamilies.get(id);
      if (!found || found.revokedAt !== null) return false;
      tokenFamilies.set(id, { ...found, revokedAt });
      return true;
    },
  };
}

function copy(record: TokenFamilyRecord): TokenFamilyRecord {
  return {
    id: record.id,
    clientId: record.clientId,
    userId: record.userId,
    organizationId: record.organizationId,
    createdAt: record.createdAt,
    revokedAt: record.revokedAt,
  };
}
