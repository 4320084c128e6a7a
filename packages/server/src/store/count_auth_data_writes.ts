import { countWrites } from './count_writes.js';
import type { Store } from './port.js';

/** The repositories holding what authentication caches read (see `Store.dataVersion`). */
type AuthDataRepositories = Pick<
  Store,
  'organizations' | 'users' | 'memberships' | 'credentials' | 'oauthClients' | 'signingKeys'
>;

/**
 * Returns `store` with every write method of organizations, users, memberships, credentials,
 * OAuth clients and signing keys wrapped so that, once the call has settled (fulfilled or rejected),
 * `onWrite` runs: the adapter's `dataVersion` then moves on at once after a write through
 * this store (the port's contract), without waiting to observe the commit some other way.
 * The one list of those write methods, shared by the adapters that need it.
 * @param store - the store (or the object being built into one); returned as a new object.
 * @param onWrite - called after each write.
 */
export function countAuthDataWrites<S extends AuthDataRepositories>(
  store: S,
  onWrite: () => void,
): S {
  return {
    ...store,
    organizations: countWrites(store.organizations, ['create', 'setDisabled'], onWrite),
    users: countWrites(
      store.users,
      ['create', 'setDisabled', 'setPasswordHash', 'endSessions'],
      onWrite,
    ),
    memberships: countWrites(store.memberships, ['add'], onWrite),
    credentials: countWrites(
      store.credentials,
      ['create', 'replaceSecret', 'setStatus', 'resealAll'],
      onWrite,
    ),
    oauthClients: countWrites(store.oauthClients, ['create', 'update', 'delete'], onWrite),
    signingKeys: countWrites(
      store.signingKeys,
      ['create', 'retire', 'deleteRetiredBefore', 'resealAll'],
      onWrite,
    ),
  };
}
