import { checkOptionalUnixSeconds, checkUnixSeconds } from '../check_port_input.js';
import type { OrganizationRecord, OrganizationRepository } from '../port.js';
import { StoreConflictError } from '../port.js';
import { assertOpen, byCreation, type MemoryTables } from './memory_tables.js';

/**
 * Organizations held in memory; same rules as the SQL schema (`organization.id`,
 * `organization.name` unique).
 * @param tables - the store's shared state.
 */
export function createMemoryOrganizations(tables: MemoryTables): OrganizationRepository {
  return {
    async create(record) {
      assertOpen(tables);
      checkUnixSeconds(record.createdAt, 'createdAt');
      checkOptionalUnixSeconds(record.disabledAt, 'disabledAt');
      if (tables.organizations.has(record.id)) throw new StoreConflictError('organization.id');
      if (tables.organizationIdByName.has(record.name)) {
        throw new StoreConflictError('organization.name');
      }
      tables.organizations.set(record.id, copy(record));
      tables.organizationIdByName.set(record.name, record.id);
    },
    async findById(id) {
      assertOpen(tables);
      const found = tables.organizations.get(id);
      return found ? copy(found) : null;
    },
    async findByName(name) {
      assertOpen(tables);
      const id = tables.organizationIdByName.get(name);
      const found = id === undefined ? undefined : tables.organizations.get(id);
      return found ? copy(found) : null;
    },
    async list() {
      assertOpen(tables);
      return [...tables.organizations.values()].sort(byCreation).map(copy);
    },
    async setDisabled(id, disabledAt) {
      assertOpen(tables);
      checkOptionalUnixSeconds(disabledAt, 'disabledAt');
      const found = tables.organizations.get(id);
      if (!found) return false;
      tables.organizations.set(id, { ...found, disabledAt });
      return true;
    },
  };
}

function copy(record: OrganizationRecord): OrganizationRecord {
  return {
    id: record.id,
    name: record.name,
    createdAt: record.createdAt,
    disabledAt: record.disabledAt,
  };
}
