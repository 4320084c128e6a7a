import {
  type ClientAuthentication,
  defaultClientAuthentication,
} from '../client_authentication.js';
import { type RepeatedGrantAuth, repeatedGrantStrategy } from '../repeated_grant_strategy.js';
import { requestToken } from '../request_token.js';
import { requireNonEmptyString } from '../require_non_empty_string.js';

/** Options for {@link clientCredentials}. */
export interface ClientCredentialsOptions {
  readonly clientId: string;
  readonly clientSecret?: string;
  /** How to send the secret; default `client_secret_post`. */
  readonly clientAuthentication?: ClientAuthentication;
  /** Space-separated scopes to ask for; default: the client's allowed scopes. */
  readonly scope?: string;
}

/** The `client_credentials` strategy; its `grant` runs the `client_credentials` grant now. */
export type ClientCredentialsAuth = RepeatedGrantAuth;

/**
 * OAuth `client_credentials` (RFC 6749 §4.4): the client acts as itself. Cached like
 * {@link apiKeys}: re-run within 5 s of expiry and once on 401.
 */
export function clientCredentials(options: ClientCredentialsOptions): ClientCredentialsAuth {
  const clientId = requireNonEmptyString(options?.clientId, 'clientCredentials: clientId');
  const clientAuthentication =
    options.clientAuthentication ?? defaultClientAuthentication(options.clientSecret);
  return repeatedGrantStrategy('client_credentials', (context) =>
    requestToken(context, {
      clientId,
      clientAuthentication,
      params: {
        grant_type: 'client_credentials',
        ...(options.scope !== undefined ? { scope: options.scope } : {}),
      },
    }),
  );
}
