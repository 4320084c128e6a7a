import { createHash } from 'node:crypto';

/** Authorization codes are stored only as SHA-256 (hex): a database reader cannot redeem one. */
export function hashAuthorizationCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}
