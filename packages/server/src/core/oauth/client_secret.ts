import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../constant_time_equal.js';

/**
 * Client secrets are 256-bit random values, so SHA-256 is enough to store them (O-1): a
 * slow password hash protects guessable inputs, which these are not.
 */
export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares a presented secret with the stored hash in constant time. */
export function clientSecretMatches(storedHash: string, presented: string): boolean {
  return constantTimeEqual(
    Buffer.from(hashClientSecret(presented), 'hex'),
    Buffer.from(storedHash, 'hex'),
  );
}
