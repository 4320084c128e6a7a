import { createUsernameToken } from '@keygate/wsse';
import {
  type ClientAuthentication,
  defaultClientAuthentication,
} from '../client_authentication.js';
import { type RepeatedGrantAuth, repeatedGrantStrategy } from '../repeated_grant_strategy.js';
import { requestToken } from '../request_token.js';
import { requireNonEmptyString } from '../require_non_empty_string.js';

/** Options for {@link apiKeys}. */
export interface ApiKeysOptions {
  readonly clientId: string;
  /** The client's secret; sent as `client_secret` in the body unless `clientAuthentication` says otherwise. */
  readonly clientSecret?: string;
  readonly clientAuthentication?: ClientAuthentication;
  /** The API key and secret of the user the token acts as. */
  readonly key: string;
  readonly secret: string;
  /** Space-separated scopes to ask for; default: the client's allowed scopes. */
  readonly scope?: string;
}

/** The `api_keys` strategy; its `grant` runs the `api_keys` grant now. */
export type ApiKeysAuth = RepeatedGrantAuth;

/**
 * OAuth with the `api_keys` grant (O-8, C-3): the API secret never leaves the client; the
 * grant body carries a WSSE digest (`key`, `nonce`, `created_at`, `digest`) as Penneo's Node
 * example builds it, sent as JSON. The access token is cached and the grant runs again when it
 * is within 5 s of expiry, and once when the server answers 401.
 */
export function apiKeys(options: ApiKeysOptions): ApiKeysAuth {
  for (const field of ['clientId', 'key', 'secret'] as const) {
    requireNonEmptyString(options?.[field], `apiKeys: ${field}`);
  }
  const clientAuthentication =
    options.clientAuthentication ?? defaultClientAuthentication(options.clientSecret);
  return repeatedGrantStrategy('api_keys', async (context) => {
    const { token } = await createUsernameToken({
      username: options.key,
      secret: options.secret,
      now: () => new Date(context.now()),
    });
    return requestToken(context, {
      clientId: options.clientId,
      clientAuthentication,
      format: 'json',
      params: {
        grant_type: 'api_keys',
        key: token.username,
        nonce: token.nonce,
        created_at: token.created,
        digest: token.passwordDigest,
        ...(options.scope !== undefined ? { scope: options.scope } : {}),
      },
    });
  });
}
