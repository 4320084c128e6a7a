import type { AuthContext } from '../auth_context.js';
import type { AuthStrategy } from '../auth_strategy.js';
import {
  type ClientAuthentication,
  defaultClientAuthentication,
} from '../client_authentication.js';
import { bearerTokenOf, GrantTokenCache } from '../grant_token_cache.js';
import { requestToken } from '../request_token.js';
import { type TokenResponse, tokenSetFromResponse } from '../token_set.js';

/** Options for {@link clientCredentials}. */
export interface ClientCredentialsOptions {
  readonly clientId: string;
  readonly clientSecret?: string;
  /** How to send the secret; default `client_secret_post`. */
  readonly clientAuthentication?: ClientAuthentication;
  /** Space-separated scopes to ask for; default: the client's allowed scopes. */
  readonly scope?: string;
}

/** The strategy, plus the grant itself for callers that want the token response. */
export interface ClientCredentialsAuth extends AuthStrategy {
  /** Runs the `client_credentials` grant now and returns the JSON answer (caches the token). */
  grant(context: AuthContext): Promise<TokenResponse>;
}

/**
 * OAuth `client_credentials` (RFC 6749 §4.4): the client acts as itself. Cached like
 * {@link apiKeys}: re-run within 5 s of expiry and once on 401.
 */
export function clientCredentials(options: ClientCredentialsOptions): ClientCredentialsAuth {
  if (typeof options?.clientId !== 'string' || options.clientId.length === 0) {
    throw new TypeError('clientCredentials: clientId must be a non-empty string');
  }
  const clientAuthentication =
    options.clientAuthentication ?? defaultClientAuthentication(options.clientSecret);
  let lastResponse: TokenResponse | null = null;
  const cache = new GrantTokenCache(async (context) => {
    const response = await requestToken(context, {
      clientId: options.clientId,
      clientAuthentication,
      params: {
        grant_type: 'client_credentials',
        ...(options.scope !== undefined ? { scope: options.scope } : {}),
      },
    });
    lastResponse = response;
    return tokenSetFromResponse(response, context.now());
  });
  return {
    kind: 'client_credentials',
    async headers(context) {
      return { authorization: `Bearer ${await cache.accessToken(context)}` };
    },
    async unauthorized(_context, sent) {
      cache.invalidate(bearerTokenOf(sent));
      return true;
    },
    async grant(context) {
      cache.invalidate(cache.current?.accessToken);
      await cache.accessToken(context);
      if (!lastResponse) throw new Error('unreachable: the grant left no response');
      return lastResponse;
    },
  };
}
