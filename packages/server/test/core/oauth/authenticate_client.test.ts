import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  authenticateClient,
  InvalidClientError,
  OAuthClientCache,
  type PresentedClient,
} from '../../../src/core/oauth/authenticate_client.js';
import { hashClientSecret } from '../../../src/core/oauth/client_secret.js';
import type { OAuthClientRecord, Store } from '../../../src/store/port.js';
import { openSqliteStore } from '../../../src/store/sqlite/open_sqlite_store.js';
import { createScratchSqliteStore } from '../../support/scratch_sqlite_store.js';

const SECRET = 'first-secret';

function client(overrides: Partial<OAuthClientRecord> = {}): OAuthClientRecord {
  return {
    clientId: 'cl1',
    name: 'client',
    secretHash: hashClientSecret(SECRET),
    redirectUris: [],
    grantTypes: ['api_keys'],
    scopes: [],
    skipConsent: false,
    requirePkce: true,
    allowPlainPkce: false,
    introspectAnyToken: false,
    scopesVersion: 1,
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  };
}

const presented = (clientSecret: string | null = SECRET): PresentedClient => ({
  clientId: 'cl1',
  clientSecret,
});

/** The store, with a count of `findByClientId` calls. */
function counting(store: Store): { store: Store; reads: () => number } {
  let reads = 0;
  const { oauthClients } = store;
  const counted: Store = {
    ...store,
    oauthClients: {
      ...oauthClients,
      findByClientId: (id) => {
        reads += 1;
        return oauthClients.findByClientId(id);
      },
    },
  };
  return { store: counted, reads: () => reads };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function sqliteStore(): Promise<{ file: string; store: Store }> {
  const dir = await mkdtemp(join(tmpdir(), 'keygate-client-cache-'));
  const file = join(dir, 'keygate.db');
  const store = await openSqliteStore({ file });
  cleanups.push(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { file, store };
}

describe('authenticateClient with an OAuthClientCache (O-6)', () => {
  it('reads a known client once while the store is unchanged, never caching unknown ids', async () => {
    const scratch = await createScratchSqliteStore();
    await scratch.oauthClients.create(client());
    const { store, reads } = counting(scratch);
    const deps = { store, clientCache: new OAuthClientCache() };

    for (let i = 0; i < 3; i++) {
      expect((await authenticateClient(deps, presented())).clientId).toBe('cl1');
    }
    expect(reads()).toBe(1);
    // A wrong secret is checked against the cached hash, and still refused.
    await expect(authenticateClient(deps, presented('wrong'))).rejects.toBeInstanceOf(
      InvalidClientError,
    );
    expect(reads()).toBe(1);

    for (let i = 0; i < 2; i++) {
      await expect(
        authenticateClient(deps, { ...presented(), clientId: 'nope' }),
      ).rejects.toBeInstanceOf(InvalidClientError);
    }
    expect(reads()).toBe(3);
    expect(deps.clientCache.size).toBe(1);
  });

  it('sees a secret reset, a grant change and a deletion on the very next call', async () => {
    const scratch = await createScratchSqliteStore();
    await scratch.oauthClients.create(client());
    const deps = { store: scratch, clientCache: new OAuthClientCache() };
    await authenticateClient(deps, presented());

    await scratch.oauthClients.update('cl1', { secretHash: hashClientSecret('second-secret') });
    await expect(authenticateClient(deps, presented())).rejects.toBeInstanceOf(InvalidClientError);
    expect((await authenticateClient(deps, presented('second-secret'))).clientId).toBe('cl1');

    await scratch.oauthClients.update('cl1', { grantTypes: ['client_credentials'] });
    expect((await authenticateClient(deps, presented('second-secret'))).grantTypes).toEqual([
      'client_credentials',
    ]);

    await scratch.oauthClients.delete('cl1');
    await expect(authenticateClient(deps, presented('second-secret'))).rejects.toBeInstanceOf(
      InvalidClientError,
    );
  });

  it('on SQLite, sees a change committed by another connection to the same file', async () => {
    const { file, store } = await sqliteStore();
    const other = await openSqliteStore({ file });
    cleanups.unshift(() => other.close());
    await store.oauthClients.create(client());
    const deps = { store, clientCache: new OAuthClientCache() };
    await authenticateClient(deps, presented());
    await authenticateClient(deps, presented());

    await other.oauthClients.update('cl1', { secretHash: hashClientSecret('second-secret') });
    await expect(authenticateClient(deps, presented())).rejects.toBeInstanceOf(InvalidClientError);
    await other.oauthClients.delete('cl1');
    await expect(authenticateClient(deps, presented('second-secret'))).rejects.toBeInstanceOf(
      InvalidClientError,
    );
  });

  it('reads the store every time when the store has no dataVersion', async () => {
    const scratch = await createScratchSqliteStore();
    await scratch.oauthClients.create(client());
    const { dataVersion: _omitted, ...withoutVersion } = scratch;
    const { store, reads } = counting(withoutVersion);
    const deps = { store, clientCache: new OAuthClientCache() };
    await authenticateClient(deps, presented());
    await authenticateClient(deps, presented());
    expect(reads()).toBe(2);
    expect(deps.clientCache.size).toBe(0);
  });
});
