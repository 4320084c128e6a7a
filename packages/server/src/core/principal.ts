/** The authentication schemes keygate understands on protected routes. */
export type AuthScheme = 'wsse' | 'bearer' | 'legacy_jwt';

/** Who a request acts as, whatever scheme proved it. */
export interface Principal {
  /** Null only for a client acting as itself (client_credentials). */
  readonly user: { readonly id: string; readonly login: string } | null;
  readonly organization: { readonly id: string; readonly name: string } | null;
  /** The OAuth client the token was issued to (Bearer). */
  readonly client?: { readonly id: string };
  /** The API credential that authenticated the request (WSSE). */
  readonly credential?: { readonly id: string; readonly key: string };
  readonly scopes: readonly string[];
  readonly scheme: AuthScheme;
}
