import { checkAuthorizationCode, checkUnixSeconds } from '../check_port_input.js';
import type { AuthorizationCodeRecord, AuthorizationCodeRepository } from '../port.js';
import { StoreConflictError } from '../port.js';
import { StoreReferenceError } from '../store_reference_error.js';
import { assertOpen, type MemoryTables } from './memory_tables.js';

/**
 * Authorization codes held in memory, with the SQL schema's rules: `authorization_code.code_hash`
 * unique, and a code names an existing client and token family. `consume` checks and sets in
 * one synchronous step, so of concurrent callers with one code exactly one gets `consumed`.
 * A code with expiry `e` is purged by `purgeExpired(now)` once `e < now`.
 * @param tables - the store's shared state.
 */
export function createMemoryAuthorizationCodes(tables: MemoryTables): AuthorizationCodeRepository {
  const { authorizationCodes } = tables;

  return {
    async create(record) {
      assertOpen(tables);
      checkAuthorizationCode(record);
      if (authorizationCodes.has(record.codeHash)) {
        throw new StoreConflictError('authorization_code.code_hash');
      }
      if (!tables.oauthClients.has(record.clientId) || !tables.tokenFamilies.has(record.familyId)) {
        throw new StoreReferenceError();
      }
      authorizationCodes.set(record.codeHash, copy(record));
    },
    async consume(codeHash, now) {
      assertOpen(tables);
      checkUnixSeconds(now, 'now');
      const found = authorizationCodes.get(codeHash);
      if (!found) return { outcome: 'unknown' };
      if (found.consumedAt !== null) return { outcome: 'already_consumed', record: copy(found) };
      const consumed = { ...found, consumedAt: now };
      authorizationCodes.set(codeHash, consumed);
      return { outcome: 'consumed', record: copy(consumed) };
    },
    async purgeExpired(now) {
      assertOpen(tables);
      checkUnixSeconds(now, 'now');
      let dropped = 0;
      for (const [hash, code] of authorizationCodes) {
        if (code.expiresAt < now) {
          authorizationCodes.delete(hash);
          dropped += 1;
        }
      }
      return dropped;
    },
  };
}

function copy(record: AuthorizationCodeRecord): AuthorizationCodeRecord {
  return {
    codeHash: record.codeHash,
    clientId: record.clientId,
    redirectUri: record.redirectUri,
    scope: record.scope,
    userId: record.userId,
    organizationId: record.organizationId,
    codeChallenge: record.codeChallenge,
    codeChallengeMethod: record.codeChallengeMethod,
    familyId: record.familyId,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    consumedAt: record.consumedAt,
  };
}
