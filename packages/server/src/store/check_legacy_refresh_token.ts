import { checkOptionalUnixSeconds, checkString, checkUnixSeconds } from './check_port_input.js';
import type { LegacyRefreshTokenRecord } from './port.js';

/**
 * Checks a legacy refresh token record's fields before any adapter writes it (L-3); caller
 * misuse is a `TypeError`, as for every other record of the port.
 * @param record - the record to check.
 */
export function checkLegacyRefreshToken(record: LegacyRefreshTokenRecord): void {
  checkString(record.id, 'id');
  checkString(record.tokenHash, 'tokenHash');
  checkString(record.userId, 'userId');
  checkString(record.organizationId, 'organizationId');
  checkUnixSeconds(record.createdAt, 'createdAt');
  checkUnixSeconds(record.lastUsedAt, 'lastUsedAt');
  checkOptionalUnixSeconds(record.revokedAt, 'revokedAt');
}
