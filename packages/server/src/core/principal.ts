/** The authentication schemes keygate understands on protected routes. */
export type AuthScheme = 'wsse';

/** Who a request acts as, whatever scheme proved it. */
export interface Principal {
  readonly user: { readonly id: string; readonly login: string };
  readonly organization: { readonly id: string; readonly name: string };
  /** The API credential that authenticated the request, for WSSE. */
  readonly credential?: { readonly id: string; readonly key: string };
  readonly scopes: readonly string[];
  readonly scheme: AuthScheme;
}
