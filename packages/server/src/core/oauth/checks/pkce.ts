import { createHash } from 'node:crypto';
import type { PkceMethod } from '../../../store/port.js';
import { constantTimeEqual } from '../../constant_time_equal.js';

/** RFC 7636 §4.1: 43–128 characters of [A-Z a-z 0-9 - . _ ~]. */
const VERIFIER_OR_CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;

/** True when `value` has the shape of a PKCE verifier (or a plain challenge). */
export function isPkceValue(value: string): boolean {
  return VERIFIER_OR_CHALLENGE.test(value);
}

/**
 * O-3/O-5: does `verifier` match the challenge stored with the code? S256 compares
 * base64url(sha256(verifier)) in constant time; plain compares the strings the same way.
 */
export function pkceVerifierMatches(
  verifier: string,
  challenge: string,
  method: PkceMethod,
): boolean {
  if (!isPkceValue(verifier)) return false;
  const derived =
    method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  return constantTimeEqual(derived, challenge);
}
