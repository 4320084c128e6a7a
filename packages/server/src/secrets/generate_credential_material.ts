import { randomBytes, randomUUID } from 'node:crypto';

/**
 * A new public API key (W-8): 128 bits from the CSPRNG as 32 lowercase hex characters, the
 * shape of OroPlatform's keys, so it is safe in a WSSE `Username` and in URLs.
 */
export function generateApiKey(): string {
  return randomBytes(16).toString('hex');
}

/**
 * A new secret: 256 bits from the CSPRNG as 43 base64url characters without padding. Used for
 * API secrets (W-8: shown once, then kept only sealed under the master key, W-9), OAuth client
 * secrets (O-1) and legacy refresh tokens (L-3), the last two stored only as SHA-256.
 */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * A new OAuth `client_id` (O-1): 128 bits from the CSPRNG as 32 lowercase hex characters. Hex,
 * not base64url, so an id never starts with `-` and can be passed to `keygate client …` as an
 * argument without being taken for an option.
 */
export function generateClientId(): string {
  return randomBytes(16).toString('hex');
}

/** A new record id: a random (version 4) UUID. */
export function generateId(): string {
  return randomUUID();
}

/**
 * A random password, e.g. for the first administrator: 144 bits from the CSPRNG as 24
 * base64url characters (a whole number of characters, so every one carries 6 bits). It
 * passes the password policy (L-5).
 */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
