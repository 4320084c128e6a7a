import type { OAuthClientRecord, Store } from '../../store/port.js';
import { clientSecretMatches, hashClientSecret } from './client_secret.js';
import { OAuthError } from './oauth_error.js';

/** How the client presented itself at the token endpoint (O-6). */
export interface PresentedClient {
  readonly clientId: string;
  readonly clientSecret: string | null;
  /** `basic` gets a 401 with a Basic challenge on failure (RFC 6749 §5.2). */
  readonly method: 'basic' | 'body';
}

/** Thrown for failed client authentication; carries the method so HTTP can add the challenge. */
export class InvalidClientError extends OAuthError {
  constructor(readonly method: 'basic' | 'body') {
    super('invalid_client', 'client authentication failed', 401);
  }
}

const DUMMY_HASH = hashClientSecret('keygate-dummy-client-secret');

/**
 * Authenticates a client: confidential clients must present their secret, public clients must
 * not have one to present. An unknown client id does the same hash work as a wrong secret.
 */
export async function authenticateClient(
  store: Store,
  presented: PresentedClient,
): Promise<OAuthClientRecord> {
  const client = await store.oauthClients.findByClientId(presented.clientId);
  if (!client) {
    if (presented.clientSecret !== null) clientSecretMatches(DUMMY_HASH, presented.clientSecret);
    throw new InvalidClientError(presented.method);
  }
  if (client.secretHash === null) {
    // A public client: nothing to verify, and a secret sent anyway is a misconfiguration.
    if (presented.clientSecret !== null) throw new InvalidClientError(presented.method);
    return client;
  }
  if (
    presented.clientSecret === null ||
    !clientSecretMatches(client.secretHash, presented.clientSecret)
  ) {
    throw new InvalidClientError(presented.method);
  }
  return client;
}
