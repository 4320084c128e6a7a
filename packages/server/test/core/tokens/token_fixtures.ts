import { randomBytes } from 'node:crypto';
import { SigningKeyCache } from '../../../src/core/signing_keys/signing_key_cache.js';
import type { SigningKeyDeps } from '../../../src/core/signing_keys/signing_key_deps.js';
import type { TokenDeps } from '../../../src/core/tokens/token_deps.js';
import { VerifiedTokenCache } from '../../../src/core/tokens/verified_token_cache.js';
import { MasterKeyring } from '../../../src/secrets/master_keyring.js';
import type { SigningKeyRecord, SigningKeyRepository, Store } from '../../../src/store/port.js';
import { createScratchSqliteStore } from '../../support/scratch_sqlite_store.js';
import { createTestClock, type TestClock } from '../../support/test_clock.js';

/** 2026-11-22T09:00:00Z: a whole second, so seconds arithmetic in tests is exact. */
export const START_MS = Date.UTC(2026, 10, 22, 9, 0, 0);

export const ISSUER = 'https://keygate.test';
export const AUDIENCE = 'https://api.keygate.test';

/** One "process": its own cache over a shared key table, keyring and clock. */
export interface TokenWorld {
  readonly clock: TestClock;
  readonly keyring: MasterKeyring;
  readonly store: Store;
  /** The store's key table (the same object every "process" of this world shares). */
  readonly signingKeys: SigningKeyRepository;
  /** The stored rows, oldest first. */
  storedKeys(): Promise<SigningKeyRecord[]>;
  readonly keyDeps: SigningKeyDeps;
  readonly cache: SigningKeyCache;
  readonly tokens: TokenDeps;
}

/**
 * A fresh world: empty key table, one master key, a frozen clock at {@link START_MS}; with
 * `memo`, verification remembers verified signatures (`VerifiedTokenCache`).
 */
export async function createTokenWorld(options: { memo?: boolean } = {}): Promise<TokenWorld> {
  const clock = createTestClock(START_MS);
  const keyring = new MasterKeyring([randomBytes(32)]);
  const store = await createScratchSqliteStore();
  const { signingKeys } = store;
  const keyDeps: SigningKeyDeps = { store, secrets: keyring, now: clock.now };
  const cache = new SigningKeyCache(keyDeps);
  return {
    clock,
    keyring,
    store,
    signingKeys,
    storedKeys: () => signingKeys.list(),
    keyDeps,
    cache,
    tokens: {
      keys: cache,
      issuer: ISSUER,
      now: clock.now,
      ...(options.memo ? { verifiedTokens: new VerifiedTokenCache() } : {}),
    },
  };
}

/** Another process over the same table, keyring and clock, with its own cache. */
export function secondProcess(world: TokenWorld): TokenWorld {
  const cache = new SigningKeyCache(world.keyDeps);
  return { ...world, cache, tokens: { keys: cache, issuer: ISSUER, now: world.clock.now } };
}

/** Access token claims used across tests. */
export const ALICE = {
  subject: 'user-alice',
  clientId: 'client-app',
  scope: 'read write',
  organizationId: 'org-acme',
  audience: AUDIENCE,
  familyId: 'family-1',
} as const;
