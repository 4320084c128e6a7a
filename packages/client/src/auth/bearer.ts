import type { AuthStrategy } from '../auth_strategy.js';
import { requireNonEmptyString } from '../require_non_empty_string.js';

/**
 * A fixed `Authorization: Bearer` access token obtained elsewhere (e.g. `keygate-client token`).
 * Nothing is refreshed: when it expires, requests fail with 401.
 */
export function bearer(accessToken: string): AuthStrategy {
  requireNonEmptyString(accessToken, 'bearer: the access token');
  return {
    kind: 'bearer',
    async headers() {
      return { authorization: `Bearer ${accessToken}` };
    },
  };
}
