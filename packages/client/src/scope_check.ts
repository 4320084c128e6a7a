import type { ResourcePrincipal } from './resource_principal.js';
import { credentialRequired, insufficientScope } from './resource_refusals.js';

/**
 * Checks that an authenticated request holds every required scope (RFC 6750 §3.1).
 *
 * @throws RequestRefusedError 401 (bare `Bearer` challenge) when `principal` is absent: the
 *   request was not authenticated; 403 `insufficient_scope` naming every required scope when
 *   any is missing.
 */
export type ScopeCheck = (principal: ResourcePrincipal | null | undefined) => void;

/** An RFC 6749 §3.3 scope token: printable ASCII without space, quote or backslash. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * Creates the {@link ScopeCheck} for `scopes`, as `requireScopes` of `@keygate/express` and
 * `@keygate/fastify` use it.
 *
 * @throws TypeError when no scope is given or one is not a scope token.
 */
export function createScopeCheck(scopes: readonly string[]): ScopeCheck {
  if (scopes.length === 0 || !scopes.every((scope) => SCOPE_TOKEN.test(scope))) {
    throw new TypeError('requireScopes: give one or more scope tokens');
  }
  const required = [...scopes];
  return (principal) => {
    if (!principal) throw credentialRequired();
    const held = new Set(principal.scopes);
    if (!required.every((scope) => held.has(scope))) throw insufficientScope(required);
  };
}
