import { encodeBase64 } from '@keygate/wsse';
import { requireNonEmptyString } from './require_non_empty_string.js';

/**
 * How a client proves its identity at the token endpoint (RFC 6749 §2.3), as small strategy
 * objects like oauth4webapi's `ClientSecretBasic(secret)`. Each one adds what it needs to the
 * request body and headers.
 */
export interface ClientAuthentication {
  /** `client_secret_post`, `client_secret_basic` or `none`. */
  readonly method: 'client_secret_post' | 'client_secret_basic' | 'none';
  apply(clientId: string, body: Record<string, string>, headers: Record<string, string>): void;
}

/** `client_id` and `client_secret` in the request body (what Penneo's examples do). */
export function clientSecretPost(clientSecret: string): ClientAuthentication {
  const secret = requireNonEmptyString(clientSecret, 'clientSecretPost: the client secret');
  return {
    method: 'client_secret_post',
    apply(clientId, body) {
      body.client_id = clientId;
      body.client_secret = secret;
    },
  };
}

/** Form-encodes a value as RFC 6749 §2.3.1 requires before Basic encoding. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replaceAll('%20', '+');
}

/** HTTP Basic with the form-encoded `client_id:client_secret` (RFC 6749 §2.3.1). */
export function clientSecretBasic(clientSecret: string): ClientAuthentication {
  const secret = requireNonEmptyString(clientSecret, 'clientSecretBasic: the client secret');
  return {
    method: 'client_secret_basic',
    apply(clientId, _body, headers) {
      const credentials = new TextEncoder().encode(`${formEncode(clientId)}:${formEncode(secret)}`);
      headers.authorization = `Basic ${encodeBase64(credentials)}`;
    },
  };
}

/** A public client: only `client_id` in the body (PKCE protects the code). */
export function noClientSecret(): ClientAuthentication {
  return {
    method: 'none',
    apply(clientId, body) {
      body.client_id = clientId;
    },
  };
}

/** The default for a client id and optional secret: `client_secret_post`, or `none`. */
export function defaultClientAuthentication(
  clientSecret: string | undefined,
): ClientAuthentication {
  return clientSecret === undefined ? noClientSecret() : clientSecretPost(clientSecret);
}
