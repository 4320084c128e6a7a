import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when `a` and `b` hold the same bytes (strings as UTF-8), compared in constant time for
 * secrets, digests and tokens an attacker may present. Both sides are hashed with SHA-256
 * first, so the comparison runs over 32 bytes whatever the inputs, and neither where they
 * differ nor whether their lengths differ changes how long it takes.
 */
export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

function sha256(value: string | Buffer): Buffer {
  return createHash('sha256').update(value).digest();
}
