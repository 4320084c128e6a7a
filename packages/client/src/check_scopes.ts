import type { ResourcePrincipal } from './resource_principal.js';
import { credentialRequired, insufficientScope } from './resource_refusals.js';

/**
 * Checks that an authenticated request holds every one of `scopes` (RFC 6750 §3.1).
 *
 * @throws RequestRefusedError 401 (bare `Bearer` challenge) when `principal` is absent: the
 *   request was not authenticated; 403 `insufficient_scope` naming all of `scopes` when any
 *   is missing.
 */
export function checkScopes(
  principal: ResourcePrincipal | null | undefined,
  scopes: readonly string[],
): void {
  if (!principal) throw credentialRequired();
  const held = new Set(principal.scopes);
  if (!scopes.every((scope) => held.has(scope))) throw insufficientScope(scopes);
}
