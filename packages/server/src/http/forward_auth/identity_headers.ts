import type { Principal } from '../../core/principal.js';

/**
 * Percent-encodes (UTF-8) what may not stand as it is in a header value: `%` itself, spaces,
 * controls and anything beyond ASCII. Ids, logins and scopes stay readable; an organization
 * called `Acme Gmbh & Co` arrives as `Acme%20Gmbh%20&%20Co`, and a name with a line break can
 * never split the header. Upstreams read a value with `decodeURIComponent`.
 */
function headerValue(value: string): string {
  // Through a Buffer, not encodeURIComponent: a lone surrogate becomes U+FFFD, not a throw.
  return value.replaceAll(/[^\x21-\x24\x26-\x7e]/gu, (c) =>
    Array.from(
      Buffer.from(c, 'utf8'),
      (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    ).join(''),
  );
}

/**
 * The identity headers forward auth answers with, from the same principal
 * `/api/v1/me` returns. Every header is always sent, empty when the principal has no
 * such part (no client for WSSE, no user for a client acting as itself), so a proxy that
 * copies a header keygate left out cannot pass on something else in its place (Caddy 2.6
 * passes the unexpanded placeholder).
 * - `X-Keygate-User`, `X-Keygate-User-Login`: the user's id and login;
 * - `X-Keygate-Organization`, `X-Keygate-Organization-Name`: the organization's id and name;
 * - `X-Keygate-Client`: the OAuth client a Bearer token was issued to;
 * - `X-Keygate-Credential`: the API credential's id, for WSSE;
 * - `X-Keygate-Scopes`: the scopes, space-separated;
 * - `X-Keygate-Scheme`: `wsse`, `bearer` or `legacy_jwt`.
 */
export function identityHeaders(principal: Principal): Record<string, string> {
  return {
    'x-keygate-user': headerValue(principal.user?.id ?? ''),
    'x-keygate-user-login': headerValue(principal.user?.login ?? ''),
    'x-keygate-organization': headerValue(principal.organization?.id ?? ''),
    'x-keygate-organization-name': headerValue(principal.organization?.name ?? ''),
    'x-keygate-client': headerValue(principal.client?.id ?? ''),
    'x-keygate-credential': headerValue(principal.credential?.id ?? ''),
    'x-keygate-scopes': principal.scopes.map(headerValue).join(' '),
    'x-keygate-scheme': principal.scheme,
  };
}
