import { checkCredentialStatus, checkString, checkUnixSeconds } from '../check_port_input.js';
import type { CredentialRecord, CredentialRepository } from '../port.js';
import { StoreConflictError } from '../port.js';
import { StoreReferenceError } from '../store_reference_error.js';
import { assertOpen, byCreation, credentialSlot, type MemoryTables } from './memory_tables.js';

/**
 * API credentials held in memory, with the SQL schema's rules: `credential.id` and
 * `credential.key` unique, at most one non-revoked credential per user and organization
 * (`credential.user_org`), a known user and organization, and `revoked` as a final state.
 * @param tables - the store's shared state.
 */
export function createMemoryCredentials(tables: MemoryTables): CredentialRepository {
  const { credentials } = tables;

  return {
    async create(record) {
      assertOpen(tables);
      checkCredentialStatus(record.status);
      checkUnixSeconds(record.createdAt, 'createdAt');
      checkUnixSeconds(record.secretSetAt, 'secretSetAt');
      if (credentials.has(record.id)) throw new StoreConflictError('credential.id');
      if (tables.credentialIdByKey.has(record.key)) throw new StoreConflictError('credential.key');
      const slot = credentialSlot(record.userId, record.organizationId);
      if (record.status !== 'revoked' && tables.usableCredentialIdBySlot.has(slot)) {
        throw new StoreConflictError('credential.user_org');
      }
      if (!tables.users.has(record.userId) || !tables.organizations.has(record.organizationId)) {
        throw new StoreReferenceError();
      }
      credentials.set(record.id, copy(record));
      tables.credentialIdByKey.set(record.key, record.id);
      if (record.status !== 'revoked') tables.usableCredentialIdBySlot.set(slot, record.id);
    },
    async findById(id) {
      assertOpen(tables);
      const found = credentials.get(id);
      return found ? copy(found) : null;
    },
    async findByKey(key) {
      assertOpen(tables);
      const id = tables.credentialIdByKey.get(key);
      const found = id === undefined ? undefined : credentials.get(id);
      return found ? copy(found) : null;
    },
    async listUsableForUser(userId) {
      assertOpen(tables);
      return select((c) => c.userId === userId && c.status !== 'revoked');
    },
    async list(filter = {}) {
      assertOpen(tables);
      const { userId, organizationId } = filter;
      return select(
        (c) =>
          (userId === undefined || c.userId === userId) &&
          (organizationId === undefined || c.organizationId === organizationId),
      );
    },
    async replaceSecret(id, secretCiphertext, secretSetAt) {
      assertOpen(tables);
      checkUnixSeconds(secretSetAt, 'secretSetAt');
      const found = credentials.get(id);
      if (!found || found.status === 'revoked') return false;
      credentials.set(id, { ...found, secretCiphertext, secretSetAt });
      return true;
    },
    async setStatus(id, status) {
      assertOpen(tables);
      checkCredentialStatus(status);
      const found = credentials.get(id);
      if (!found || found.status === 'revoked') return false;
      credentials.set(id, { ...found, status });
      // A non-revoked row already owns its slot; only revoking can free it.
      if (status === 'revoked') {
        tables.usableCredentialIdBySlot.delete(credentialSlot(found.userId, found.organizationId));
      }
      return true;
    },
    async resealAll(reseal) {
      assertOpen(tables);
      // Compute every new ciphertext before writing any, so a throwing callback changes nothing.
      const rewritten = [...credentials.values()].sort(byCreation).map((record) => {
        const secretCiphertext: unknown = reseal(copy(record));
        checkString(secretCiphertext, 'resealed ciphertext');
        return { ...record, secretCiphertext };
      });
      for (const record of rewritten) credentials.set(record.id, record);
      return rewritten.length;
    },
  };

  function select(keep: (record: CredentialRecord) => boolean): CredentialRecord[] {
    return [...credentials.values()].filter(keep).sort(byCreation).map(copy);
  }
}

function copy(record: CredentialRecord): CredentialRecord {
  return {
    id: record.id,
    key: record.key,
    userId: record.userId,
    organizationId: record.organizationId,
    secretCiphertext: record.secretCiphertext,
    status: record.status,
    createdAt: record.createdAt,
    secretSetAt: record.secretSetAt,
  };
}
