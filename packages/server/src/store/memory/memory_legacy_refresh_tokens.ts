import { checkLegacyRefreshToken } from '../check_legacy_refresh_token.js';
import { checkUnixSeconds } from '../check_port_input.js';
import type { LegacyRefreshTokenRecord, LegacyRefreshTokenRepository } from '../port.js';
import { StoreConflictError } from '../port.js';
import { StoreReferenceError } from '../store_reference_error.js';
import { assertOpen, type MemoryTables } from './memory_tables.js';

/**
 * Legacy refresh tokens (L-3) held in memory, with the SQL schema's rules: `id` and
 * `token_hash` unique, user and organization must exist. `use` checks and moves `lastUsedAt`
 * in one synchronous step, as the SQL adapters' single `UPDATE … RETURNING` does.
 * @param tables - the store's shared state (users, organizations, open flag).
 */
export function createMemoryLegacyRefreshTokens(
  tables: MemoryTables,
): LegacyRefreshTokenRepository {
  const byId = new Map<string, LegacyRefreshTokenRecord>();
  const idByHash = new Map<string, string>();

  return {
    async create(record) {
      assertOpen(tables);
      checkLegacyRefreshToken(record);
      if (byId.has(record.id)) throw new StoreConflictError('legacy_refresh_token.id');
      if (idByHash.has(record.tokenHash)) {
        throw new StoreConflictError('legacy_refresh_token.token_hash');
      }
      if (!tables.users.has(record.userId) || !tables.organizations.has(record.organizationId)) {
        throw new StoreReferenceError();
      }
      byId.set(record.id, { ...record });
      idByHash.set(record.tokenHash, record.id);
    },
    async findById(id) {
      assertOpen(tables);
      const found = byId.get(id);
      return found ? { ...found } : null;
    },
    async use(tokenHash, now, idleSeconds) {
      assertOpen(tables);
      checkUnixSeconds(now, 'now');
      checkUnixSeconds(idleSeconds, 'idleSeconds');
      const id = idByHash.get(tokenHash);
      const found = id === undefined ? undefined : byId.get(id);
      if (!found || found.revokedAt !== null || found.lastUsedAt <= now - idleSeconds) return null;
      const used = { ...found, lastUsedAt: Math.max(found.lastUsedAt, now) };
      byId.set(found.id, used);
      return { ...used };
    },
    async revokeForUser(userId, now) {
      assertOpen(tables);
      checkUnixSeconds(now, 'now');
      let count = 0;
      for (const record of byId.values()) {
        if (record.userId === userId && record.revokedAt === null) {
          byId.set(record.id, { ...record, revokedAt: now });
          count += 1;
        }
      }
      return count;
    },
    async purge(now, idleSeconds) {
      assertOpen(tables);
      checkUnixSeconds(now, 'now');
      checkUnixSeconds(idleSeconds, 'idleSeconds');
      let count = 0;
      for (const record of [...byId.values()]) {
        if (record.revokedAt !== null || record.lastUsedAt <= now - idleSeconds) {
          byId.delete(record.id);
          idByHash.delete(record.tokenHash);
          count += 1;
        }
      }
      return count;
    },
  };
}
