import type { OAuthClientRecord, Store } from '../../store/port.js';
import { StoreVersionCache } from '../caching/store_version_cache.js';
import { clientSecretMatches, hashClientSecret } from './client_secret.js';
import { OAuthError } from './oauth_error.js';

/** How the client presented itself at the token endpoint (O-6). */
export interface PresentedClient {
  readonly clientId: string;
  readonly clientSecret: string | null;
}

/** Thrown for failed client authentication: 401 `invalid_client` (RFC 6749 §5.2). */
export class InvalidClientError extends OAuthError {
  constructor() {
    super('invalid_client', 'client authentication failed', 401);
  }
}

const DUMMY_HASH = hashClientSecret('keygate-dummy-client-secret');

/** Default bound on cached OAuth clients. */
const DEFAULT_CLIENT_CACHE_ENTRIES = 1_000;

/**
 * Registered clients by `client_id`, kept while the store's `dataVersion` is unchanged, so the
 * token endpoint does not read the client row on every request, yet a client deleted, its
 * secret reset or its grants and scopes changed (by the CLI in another process too) are seen
 * on the next request. Unknown client ids are never cached.
 */
export class OAuthClientCache extends StoreVersionCache<OAuthClientRecord> {
  /** @param maxEntries - how many clients to keep (≥ 1). */
  constructor(maxEntries = DEFAULT_CLIENT_CACHE_ENTRIES) {
    super(maxEntries);
  }
}

/** Where client authentication reads clients from. */
export interface ClientLookupDeps {
  readonly store: Store;
  /** Used only with a store that has `dataVersion`; without it every lookup reads the store. */
  readonly clientCache?: OAuthClientCache;
}

async function findClient(
  deps: ClientLookupDeps,
  clientId: string,
): Promise<OAuthClientRecord | null> {
  const { store, clientCache } = deps;
  if (clientCache === undefined || store.dataVersion === undefined) {
    return store.oauthClients.findByClientId(clientId);
  }
  // Read the version before the row, so what is cached is at least as new as its version.
  const version = store.dataVersion();
  const cached = clientCache.get(version, clientId);
  if (cached !== undefined) return cached;
  const client = await store.oauthClients.findByClientId(clientId);
  if (client !== null) clientCache.set(version, clientId, client);
  return client;
}

/**
 * Authenticates a client: confidential clients must present their secret, public clients must
 * not have one to present. An unknown client id does the same hash work as a wrong secret.
 */
export async function authenticateClient(
  deps: ClientLookupDeps,
  presented: PresentedClient,
): Promise<OAuthClientRecord> {
  const client = await findClient(deps, presented.clientId);
  if (!client) {
    if (presented.clientSecret !== null) clientSecretMatches(DUMMY_HASH, presented.clientSecret);
    throw new InvalidClientError();
  }
  if (client.secretHash === null) {
    // A public client: nothing to verify, and a secret sent anyway is a misconfiguration.
    if (presented.clientSecret !== null) throw new InvalidClientError();
    return client;
  }
  if (
    presented.clientSecret === null ||
    !clientSecretMatches(client.secretHash, presented.clientSecret)
  ) {
    throw new InvalidClientError();
  }
  return client;
}
