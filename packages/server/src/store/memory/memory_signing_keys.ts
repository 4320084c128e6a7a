import { checkSigningKey, checkString, checkUnixSeconds } from '../check_port_input.js';
import type { SigningKeyRecord, SigningKeyRepository } from '../port.js';
import { StoreConflictError } from '../port.js';
import { assertOpen, compareText, type MemoryTables } from './memory_tables.js';

/**
 * Signing keys held in memory, with the SQL schema's rules: `signing_key.kid` unique, `retire`
 * sets `retiredAt` once, `resealAll` all or nothing. Lists are oldest first: by creation time,
 * then kid.
 * @param tables - the store's shared state.
 */
export function createMemorySigningKeys(tables: MemoryTables): SigningKeyRepository {
  const { signingKeys } = tables;

  function ordered(): SigningKeyRecord[] {
    return [...signingKeys.values()].sort(
      (a, b) => a.createdAt - b.createdAt || compareText(a.kid, b.kid),
    );
  }

  return {
    async create(record) {
      assertOpen(tables);
      checkSigningKey(record);
      if (signingKeys.has(record.kid)) throw new StoreConflictError('signing_key.kid');
      signingKeys.set(record.kid, copy(record));
    },
    async list() {
      assertOpen(tables);
      return ordered().map(copy);
    },
    async retire(kid, retiredAt) {
      assertOpen(tables);
      checkUnixSeconds(retiredAt, 'retiredAt');
      const found = signingKeys.get(kid);
      if (!found || found.retiredAt !== null) return false;
      signingKeys.set(kid, { ...found, retiredAt });
      return true;
    },
    async deleteRetiredBefore(before) {
      assertOpen(tables);
      checkUnixSeconds(before, 'before');
      let deleted = 0;
      for (const [kid, key] of signingKeys) {
        if (key.retiredAt !== null && key.retiredAt < before) {
          signingKeys.delete(kid);
          deleted += 1;
        }
      }
      return deleted;
    },
    async resealAll(reseal) {
      assertOpen(tables);
      // Compute every new ciphertext before writing any, so a throwing callback changes nothing.
      const rewritten = ordered().map((record) => {
        const privateJwkSealed: unknown = reseal(copy(record));
        checkString(privateJwkSealed, 'resealed private key');
        return { ...record, privateJwkSealed };
      });
      for (const record of rewritten) signingKeys.set(record.kid, record);
      return rewritten.length;
    },
  };
}

function copy(record: SigningKeyRecord): SigningKeyRecord {
  return {
    kid: record.kid,
    alg: record.alg,
    publicJwk: record.publicJwk,
    privateJwkSealed: record.privateJwkSealed,
    createdAt: record.createdAt,
    activatesAt: record.activatesAt,
    retiredAt: record.retiredAt,
  };
}
