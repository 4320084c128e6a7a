import type { AuthContext } from './auth_context.js';
import type { AuthStrategy } from './auth_strategy.js';
import { bearerTokenOf, GrantTokenCache } from './grant_token_cache.js';
import { type TokenResponse, tokenSetFromResponse } from './token_set.js';

/** A strategy whose grant the client simply repeats, with the grant itself exposed. */
export interface RepeatedGrantAuth extends AuthStrategy {
  /** Runs the grant now and returns the server's JSON answer (caches the token). */
  grant(context: AuthContext): Promise<TokenResponse>;
}

/**
 * The strategy shared by the grants that issue no refresh token (`api_keys`,
 * `client_credentials`, O-8): sends the cached access token as `Bearer`, re-runs the grant
 * within 5 s of expiry (C-3) and once when the server answers 401, concurrent callers sharing
 * one grant ({@link GrantTokenCache}).
 * @param kind - the strategy's name, e.g. `api_keys`.
 * @param requestGrant - sends one token request and returns the server's answer.
 */
export function repeatedGrantStrategy(
  kind: string,
  requestGrant: (context: AuthContext) => Promise<TokenResponse>,
): RepeatedGrantAuth {
  let lastResponse: TokenResponse | null = null;
  const cache = new GrantTokenCache(async (context) => {
    const response = await requestGrant(context);
    lastResponse = response;
    return tokenSetFromResponse(response, context.now());
  });
  return {
    kind,
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
