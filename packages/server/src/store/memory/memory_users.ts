import { checkOptionalUnixSeconds, checkUnixSeconds } from '../check_port_input.js';
import type { UserRecord, UserRepository } from '../port.js';
import { StoreConflictError } from '../port.js';
import { assertOpen, byCreation, type MemoryTables } from './memory_tables.js';

/**
 * Users held in memory; same rules as the SQL schema (`user.id`, `user.login` unique,
 * case-sensitive).
 * @param tables - the store's shared state.
 */
export function createMemoryUsers(tables: MemoryTables): UserRepository {
  return {
    async create(record) {
      assertOpen(tables);
      checkUnixSeconds(record.createdAt, 'createdAt');
      checkOptionalUnixSeconds(record.disabledAt, 'disabledAt');
      if (tables.users.has(record.id)) throw new StoreConflictError('user.id');
      if (tables.userIdByLogin.has(record.login)) throw new StoreConflictError('user.login');
      tables.users.set(record.id, copy(record));
      tables.userIdByLogin.set(record.login, record.id);
    },
    async findById(id) {
      assertOpen(tables);
      const found = tables.users.get(id);
      return found ? copy(found) : null;
    },
    async findByLogin(login) {
      assertOpen(tables);
      const id = tables.userIdByLogin.get(login);
      const found = id === undefined ? undefined : tables.users.get(id);
      return found ? copy(found) : null;
    },
    async list() {
      assertOpen(tables);
      return [...tables.users.values()].sort(byCreation).map(copy);
    },
    async count() {
      assertOpen(tables);
      return tables.users.size;
    },
    async setDisabled(id, disabledAt) {
      assertOpen(tables);
      checkOptionalUnixSeconds(disabledAt, 'disabledAt');
      const found = tables.users.get(id);
      if (!found) return false;
      tables.users.set(id, { ...found, disabledAt });
      return true;
    },
    async setPasswordHash(id, passwordHash) {
      assertOpen(tables);
      const found = tables.users.get(id);
      if (!found) return false;
      tables.users.set(id, { ...found, passwordHash });
      return true;
    },
    async findSessionGeneration(id) {
      assertOpen(tables);
      if (!tables.users.has(id)) return null;
      return tables.sessionGenerations.get(id) ?? 0;
    },
    async endSessions(id) {
      assertOpen(tables);
      if (!tables.users.has(id)) return false;
      tables.sessionGenerations.set(id, (tables.sessionGenerations.get(id) ?? 0) + 1);
      return true;
    },
  };
}

function copy(record: UserRecord): UserRecord {
  return {
    id: record.id,
    login: record.login,
    email: record.email,
    passwordHash: record.passwordHash,
    createdAt: record.createdAt,
    disabledAt: record.disabledAt,
  };
}
