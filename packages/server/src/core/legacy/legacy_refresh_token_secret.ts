import { createHash } from 'node:crypto';
import { generateSecret } from '../../secrets/generate_credential_material.js';

/** A new legacy refresh token: the value handed out once, and the hash that is stored. */
export interface NewLegacyRefreshToken {
  readonly token: string;
  readonly tokenHash: string;
}

/**
 * Makes a legacy refresh token (L-3): 256 random bits from the CSPRNG, base64url. The token is
 * opaque (not a JWT), so its life is decided only by its row; it is high-entropy, so SHA-256 is
 * enough to store it (a slow password hash is not needed, as for client secrets, O-1).
 */
export function newLegacyRefreshToken(): NewLegacyRefreshToken {
  const token = generateSecret();
  return { token, tokenHash: hashLegacyRefreshToken(token) };
}

/** The stored form of a legacy refresh token: SHA-256, hex. */
export function hashLegacyRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
