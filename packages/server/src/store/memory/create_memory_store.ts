import { countAuthDataWrites } from '../count_auth_data_writes.js';
import type { Store } from '../port.js';
import { StoreUnavailableError } from '../port.js';
import { createMemoryAuthorizationCodes } from './memory_authorization_codes.js';
import { createMemoryCounters } from './memory_counters.js';
import { createMemoryCredentials } from './memory_credentials.js';
import { createMemoryLegacyRefreshTokens } from './memory_legacy_refresh_tokens.js';
import { createMemoryMemberships } from './memory_memberships.js';
import { createMemoryNonces } from './memory_nonces.js';
import { createMemoryOAuthClients } from './memory_oauth_clients.js';
import { createMemoryOrganizations } from './memory_organizations.js';
import { createMemoryRefreshTokens } from './memory_refresh_tokens.js';
import { createMemoryRevokedAccessTokens } from './memory_revoked_access_tokens.js';
import { createMemorySigningKeys } from './memory_signing_keys.js';
import { assertOpen, createMemoryTables } from './memory_tables.js';
import { createMemoryTokenFamilies } from './memory_token_families.js';
import { createMemoryUsers } from './memory_users.js';

/**
 * A store that keeps everything in this process's memory (kind `memory`), for unit tests and
 * throwaway runs. It follows every rule of the port exactly as the SQL adapters do (it passes
 * the same conformance suite): unique constraints, one usable credential per user and
 * organization, final `revoked`, nonce expiry, all-or-nothing `resealAll`, the OAuth tables'
 * references and cascades, and single-use codes and refresh tokens. Its `dataVersion` counts
 * writes to organizations, users, memberships, credentials and OAuth clients (nothing else can
 * change them).
 * After `close()` every operation rejects with `StoreUnavailableError`, like a database that
 * went away.
 */
export function createMemoryStore(): Store {
  const tables = createMemoryTables();
  // `dataVersion`: moves on after every write to what authentication caches read.
  let version = 0;
  const changed = () => {
    version += 1;
  };
  const store: Store = {
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
    legacyRefreshTokens: createMemoryLegacyRefreshTokens(tables),
    dataVersion() {
      assertOpen(tables);
      return version;
    },
    async ping() {
      if (!tables.open) throw new StoreUnavailableError('memory store is closed');
    },
    async close() {
      tables.open = false;
    },
  };
  return countAuthDataWrites(store, changed);
}
