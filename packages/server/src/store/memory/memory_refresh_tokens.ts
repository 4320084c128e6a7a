import { checkRefreshToken, checkUnixSeconds } from '../check_port_input.js';
import type { RefreshTokenRecord, RefreshTokenRepository } from '../port.js';
import { StoreConflictError } from '../port.js';
import { StoreReferenceError } from '../store_reference_error.js';
import { assertOpen, type MemoryTables } from './memory_tables.js';

/**
 * Refresh tokens held in memory, with the SQL schema's rules: `refresh_token.jti` unique, and a
 * token names an existing client and token family. `rotate` checks, marks the predecessor and
 * inserts the successor in one synchronous step, so of concurrent callers with one jti exactly
 * one gets `rotated`; a successor that cannot be stored (duplicate jti, unknown family or
 * client) throws before anything changes, as the SQL transaction rolls back.
 * @param tables - the store's shared state.
 */
export function createMemoryRefreshTokens(tables: MemoryTables): RefreshTokenRepository {
  const { refreshTokens } = tables;

  /** Throws what the SQL insert would; changes nothing. */
  function checkInsertable(record: RefreshTokenRecord): void {
    if (refreshTokens.has(record.jti)) throw new StoreConflictError('refresh_token.jti');
    if (!tables.oauthClients.has(record.clientId) || !tables.tokenFamilies.has(record.familyId)) {
      throw new StoreReferenceError();
    }
  }

  return {
    async create(record) {
      assertOpen(tables);
      checkRefreshToken(record);
      checkInsertable(record);
      refreshTokens.set(record.jti, copy(record));
    },
    async findByJti(jti) {
      assertOpen(tables);
      const found = refreshTokens.get(jti);
      return found ? copy(found) : null;
    },
    async rotate(jti, now, successor, successorResponseSealed) {
      assertOpen(tables);
      checkUnixSeconds(now, 'now');
      checkRefreshToken(successor);
      const found = refreshTokens.get(jti);
      if (!found) return { outcome: 'unknown' };
      if (found.consumedAt !== null) return { outcome: 'already_consumed', record: copy(found) };
      checkInsertable(successor);
      const consumed: RefreshTokenRecord = {
        ...found,
        consumedAt: now,
        successorJti: successor.jti,
        successorResponseSealed,
      };
      refreshTokens.set(jti, consumed);
      refreshTokens.set(successor.jti, copy(successor));
      return { outcome: 'rotated', consumed: copy(consumed) };
    },
  };
}

function copy(record: RefreshTokenRecord): RefreshTokenRecord {
  return {
    jti: record.jti,
    familyId: record.familyId,
    clientId: record.clientId,
    userId: record.userId,
    organizationId: record.organizationId,
    scope: record.scope,
    clientScopesVersion: record.clientScopesVersion,
    issuedAt: record.issuedAt,
    expiresAt: record.expiresAt,
    consumedAt: record.consumedAt,
    successorJti: record.successorJti,
    successorResponseSealed: record.successorResponseSealed,
  };
}
