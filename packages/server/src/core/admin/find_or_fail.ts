import type { CredentialRecord, OrganizationRecord, Store, UserRecord } from '../../store/port.js';
import { NotFoundError } from './admin_errors.js';

/** The organization with this name, or `NotFoundError`. */
export async function requireOrganization(store: Store, name: string): Promise<OrganizationRecord> {
  const organization = await store.organizations.findByName(name);
  if (!organization) throw new NotFoundError(`no organization named "${name}"`);
  return organization;
}

/** The user with this login, or `NotFoundError`. */
export async function requireUser(store: Store, login: string): Promise<UserRecord> {
  const user = await store.users.findByLogin(login);
  if (!user) throw new NotFoundError(`no user with login "${login}"`);
  return user;
}

/** The API credential with this key, or `NotFoundError`. */
export async function requireCredential(store: Store, key: string): Promise<CredentialRecord> {
  const credential = await store.credentials.findByKey(key);
  if (!credential) throw new NotFoundError(`no API key "${key}"`);
  return credential;
}
