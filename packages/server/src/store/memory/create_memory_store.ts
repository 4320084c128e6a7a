import type { Store } from '../port.js';
import { StoreUnavailableError } from '../port.js';
import { createMemoryAuthorizationCodes } from './memory_authorization_codes.js';
import { createMemoryCounters } from './memory_counters.js';
import { createMemoryCredentials } from './memory_credentials.js';
import { createMemoryMemberships } from './memory_memberships.js';
import { createMemoryNonces } from './memory_nonces.js';
import { createMemoryOAuthClients } from './memory_oauth_clients.js';
import { createMemoryOrganizations } from './memory_organizations.js';
import { createMemoryRefreshTokens } from './memory_refresh_tokens.js';
import { createMemoryRevokedAccessTokens } from './memory_revoked_access_tokens.js';
import { createMemorySigningKeys } from './memory_signing_keys.js';
import { createMemoryTables } from './memory_tables.js';
import { createMemoryTokenFamilies } from './memory_token_families.js';
import { createMemoryUsers } from './memory_users.js';

/**
 * A store that keeps everything in this process's memory (kind `memory`), for unit tests and
 * throwaway runs. It follows every rule of the port exactly as the SQL adapters do (it passes
 * the same conformance suite): unique constraints, one usable credential per user and
 * organization, final `revoked`, nonce expiry, all-or-nothing `resealAll`, the OAuth tables'
 * references and cascades, and single-use codes and refresh tokens. After `close()`
 * every operation rejects with `StoreUnavailableError`, like a database that went away.
 */
export function createMemoryStore(): Store {
  const tables = createMemoryTables();
  return {
    kind: 'memory',
    organizations: createMemoryOrganizations(tables),
    users: createMemoryUsers(tables),
    memberships: createMemoryMemberships(tables),
    credentials: createMemoryCredentials(tables),
    nonces: createMemoryNonces(tables),
    counters: createMemoryCounters(tables),
    oauthClients: createMemoryOAuthClients(tables),
    tokenFamilies: createMemoryTokenFamilies(tables),
    authorizationCodes: createMemoryAuthorizationCodes(tables),
    refreshTokens: createMemoryRefreshTokens(tables),
    signingKeys: createMemorySigningKeys(tables),
    revokedAccessTokens: createMemoryRevokedAccessTokens(tables),
    async ping() {
      if (!tables.open) throw new StoreUnavailableError('memory store is closed');
    },
    async close() {
      tables.open = false;
    },
  };
}
