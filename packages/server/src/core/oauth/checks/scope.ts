/** Splits an RFC 6749 scope string into its distinct tokens (order kept). */
export function parseScope(scope: string | undefined | null): string[] {
  if (!scope) return [];
  return [...new Set(scope.split(' ').filter((token) => token !== ''))];
}

/** Joins scope tokens into the wire form. */
export function formatScope(scopes: readonly string[]): string {
  return scopes.join(' ');
}

/** Scope tokens are printable ASCII without space, quote or backslash (RFC 6749 §3.3). */
export function isScopeToken(token: string): boolean {
  return /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(token);
}

/**
 * Decides the granted scope: the request when given (every token must be allowed), else
 * everything the client may have. Null when something requested is not allowed.
 */
export function grantScope(
  requested: readonly string[],
  allowed: readonly string[],
): string[] | null {
  if (requested.length === 0) return [...allowed];
  return requested.every((token) => allowed.includes(token)) ? [...requested] : null;
}
