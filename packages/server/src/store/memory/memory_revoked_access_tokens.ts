import { checkUnixSeconds } from '../check_port_input.js';
import type { RevokedAccessTokenRepository } from '../port.js';
import { assertOpen, type MemoryTables } from './memory_tables.js';

/**
 * Revoked access tokens held in memory. `add` keeps the first expiry recorded for a jti (the
 * SQL adapters' `ON CONFLICT DO NOTHING`); a record with expiry `e` is purged by
 * `purgeExpired(now)` once `e < now`, and `isRevoked` answers true until then.
 * @param tables - the store's shared state.
 */
export function createMemoryRevokedAccessTokens(
  tables: MemoryTables,
): RevokedAccessTokenRepository {
  const { revokedAccessTokens } = tables;

  return {
    async add(jti, expiresAt) {
      assertOpen(tables);
      checkUnixSeconds(expiresAt, 'expiresAt');
      if (!revokedAccessTokens.has(jti)) revokedAccessTokens.set(jti, expiresAt);
    },
    async isRevoked(jti) {
      assertOpen(tables);
      return revokedAccessTokens.has(jti);
    },
    async purgeExpired(now) {
      assertOpen(tables);
      checkUnixSeconds(now, 'now');
      let dropped = 0;
      for (const [jti, expiresAt] of revokedAccessTokens) {
        if (expiresAt < now) {
          revokedAccessTokens.delete(jti);
          dropped += 1;
        }
      }
      return dropped;
    },
  };
}
