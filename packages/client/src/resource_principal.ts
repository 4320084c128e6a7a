/** The schemes keygate accepts on protected routes. */
export type ResourceAuthScheme = 'wsse' | 'bearer' | 'legacy_jwt';

/**
 * Who a request to a keygate-protected resource server acts as: keygate's principal
 * (`/api/v1/me`), with the names optional. A WSSE or legacy JWT request is checked by keygate
 * and carries `login` and `name`; a Bearer token is verified locally and names only ids (its
 * `sub`, `org` and `client_id` claims), so `login` and `name` are absent there.
 */
export interface ResourcePrincipal {
  /** Null for a client acting as itself (client_credentials: a Bearer token with no `org`). */
  readonly user: { readonly id: string; readonly login?: string } | null;
  readonly organization: { readonly id: string; readonly name?: string } | null;
  /** The OAuth client the token was issued to (Bearer). */
  readonly client?: { readonly id: string };
  /** The API credential that authenticated the request (WSSE). */
  readonly credential?: { readonly id: string; readonly key: string };
  readonly scopes: readonly string[];
  readonly scheme: ResourceAuthScheme;
}
