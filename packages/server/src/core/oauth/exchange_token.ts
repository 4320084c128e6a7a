import { authenticateClient, type PresentedClient } from './authenticate_client.js';
import type { GrantDeps } from './grant_deps.js';
import { apiKeysGrant } from './grants/api_keys.js';
import { authorizationCodeGrant } from './grants/authorization_code.js';
import { clientCredentialsGrant } from './grants/client_credentials.js';
import { refreshTokenGrant } from './grants/refresh_token.js';
import { OAuthError } from './oauth_error.js';
import { requireParam, type TokenParams } from './token_request.js';
import type { TokenResponse } from './token_response.js';

const GRANTS = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  api_keys: apiKeysGrant,
  client_credentials: clientCredentialsGrant,
} as const;

/** The grant types the token endpoint dispatches, as published in the metadata (O-12). */
export const SUPPORTED_GRANT_TYPES = Object.keys(GRANTS) as (keyof typeof GRANTS)[];

/** The token endpoint's rule (O-6, O-7): authenticate the client, then run its grant. */
export async function exchangeToken(
  deps: GrantDeps,
  presented: PresentedClient | null,
  params: TokenParams,
): Promise<TokenResponse> {
  const grantType = requireParam(params, 'grant_type');
  const grant = Object.hasOwn(GRANTS, grantType)
    ? GRANTS[grantType as keyof typeof GRANTS]
    : undefined;
  if (!grant) {
    throw new OAuthError('unsupported_grant_type', `grant_type ${grantType} is not supported`);
  }
  if (!presented) {
    throw new OAuthError('invalid_request', 'client_id is required (in the body or HTTP Basic)');
  }
  const client = await authenticateClient(deps, presented);
  return grant(deps, client, params);
}
