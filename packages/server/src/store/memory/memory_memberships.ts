import { checkUnixSeconds } from '../check_port_input.js';
import type { MembershipRecord, MembershipRepository } from '../port.js';
import { StoreReferenceError } from '../store_reference_error.js';
import { assertOpen, type MemoryTables } from './memory_tables.js';

/**
 * Memberships held in memory; like the SQL schema, a membership must name an existing user
 * and organization (`StoreReferenceError` otherwise).
 * @param tables - the store's shared state.
 */
export function createMemoryMemberships(tables: MemoryTables): MembershipRepository {
  return {
    async add(record) {
      assertOpen(tables);
      checkUnixSeconds(record.createdAt, 'createdAt');
      const forUser = tables.memberships.get(record.userId);
      if (forUser?.has(record.organizationId)) return false;
      if (!tables.users.has(record.userId) || !tables.organizations.has(record.organizationId)) {
        throw new StoreReferenceError();
      }
      if (forUser) forUser.set(record.organizationId, copy(record));
      else tables.memberships.set(record.userId, new Map([[record.organizationId, copy(record)]]));
      return true;
    },
    async isMember(userId, organizationId) {
      assertOpen(tables);
      return tables.memberships.get(userId)?.has(organizationId) ?? false;
    },
    async listForUser(userId) {
      assertOpen(tables);
      const forUser = tables.memberships.get(userId);
      if (!forUser) return [];
      return [...forUser.values()]
        .sort(
          (a, b) =>
            a.createdAt - b.createdAt ||
            (a.organizationId < b.organizationId
              ? -1
              : a.organizationId > b.organizationId
                ? 1
                : 0),
        )
        .map(copy);
    },
  };
}

function copy(record: MembershipRecord): MembershipRecord {
  return {
    userId: record.userId,
    organizationId: record.organizationId,
    createdAt: record.createdAt,
  };
}
