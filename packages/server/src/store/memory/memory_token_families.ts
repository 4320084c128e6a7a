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
    async revokeForUser(userId, revokedAt) {
      assertOpen(tables);
      checkUnixSeconds(revokedAt, 'revokedAt');
      let count = 0;
      for (const family of tokenFamilies.values()) {
        if (family.userId === userId && family.revokedAt === null) {
          tokenFamilies.set(family.id, { ...family, revokedAt });
          count += 1;
        }
      }
      return count;
    },
    async purgeExpired(now, graceSeconds) {
      assertOpen(tables);
      checkUnixSeconds(now, 'now');
      checkUnixSeconds(graceSeconds, 'graceSeconds');
      if (graceSeconds < 0) throw new TypeError('graceSeconds must not be negative');
      const before = now - graceSeconds;
      const live = new Set<string>();
      for (const token of tables.refreshTokens.values()) {
        if (token.expiresAt >= now || token.issuedAt >= before) live.add(token.familyId);
      }
      for (const code of tables.authorizationCodes.values()) {
        if (code.expiresAt >= before) live.add(code.familyId);
      }
      let purged = 0;
      for (const family of [...tokenFamilies.values()]) {
        if (family.createdAt >= before || live.has(family.id)) continue;
        tokenFamilies.delete(family.id);
        purged += 1;
      }
      // The SQL schema's ON DELETE CASCADE: codes and refresh tokens go with their family.
      for (const [jti, token] of tables.refreshTokens) {
        if (!tokenFamilies.has(token.familyId)) tables.refreshTokens.delete(jti);
      }
      for (const [hash, code] of tables.authorizationCodes) {
        if (!tokenFamilies.has(code.familyId)) tables.authorizationCodes.delete(hash);
      }
      return purged;
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
