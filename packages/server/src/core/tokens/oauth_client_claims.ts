import { isNonEmptyString } from './is_non_empty_string.js';

/** The claims the access and refresh tokens of an OAuth client both carry (O-9, O-10). */
export interface OAuthClientClaims {
  /** `client_id`. */
  readonly clientId: string;
  /** `scope`, space-separated; may be empty. */
  readonly scope: string;
  /** `org`, or null when the token acts in no organization (client_credentials). */
  readonly organizationId: string | null;
}

/**
 * Reads `client_id`, `scope` and `org` from a verified payload: null unless `client_id` is a
 * non-empty string, `scope` a string and `org` absent or a non-empty string.
 */
export function readOAuthClientClaims(payload: {
  readonly client_id?: unknown;
  readonly scope?: unknown;
  readonly org?: unknown;
}): OAuthClientClaims | null {
  const { client_id, scope, org } = payload;
  if (!isNonEmptyString(client_id) || typeof scope !== 'string') return null;
  if (org !== undefined && !isNonEmptyString(org)) return null;
  return { clientId: client_id, scope, organizationId: org ?? null };
}

/** The payload claims `client_id`, `scope` and `org` (left out when null) for `claims`. */
export function oauthClientClaimsPayload(claims: OAuthClientClaims): Record<string, string> {
  const { clientId, scope, organizationId } = claims;
  return {
    client_id: clientId,
    scope,
    ...(organizationId === null ? {} : { org: organizationId }),
  };
}
