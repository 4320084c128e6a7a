import type { AuthStrategy } from '../auth_strategy.js';

/**
 * A fixed `Authorization: Bearer` access token obtained elsewhere (e.g. `keygate-client token`).
 * Nothing is refreshed: when it expires, requests fail with 401.
 */
export function bearer(accessToken: string): AuthStrategy {
  if (typeof accessToken !== 'string' || accessToken.length === 0) {
    throw new TypeError('bearer: the access token must be a non-empty string');
  }
  return {
    kind: 'bearer',
    async headers() {
      return { authorization: `Bearer ${accessToken}` };
    },
  };
}
