import { randomUUID } from 'node:crypto';
import { generateApiKey, generateSecret } from '../../secrets/generate_credential_material.js';
import {
  type CredentialRecord,
  type CredentialStatus,
  StoreConflictError,
} from '../../store/port.js';
import { unixSeconds } from '../clock.js';
import type { AdminDeps } from './admin_deps.js';
import { AlreadyExistsError, InvalidInputError } from './admin_errors.js';
import { requireCredential, requireOrganization, requireUser } from './find_or_fail.js';

/** A credential together with its plain secret, which is shown once and never stored in clear. */
export interface IssuedCredential {
  readonly credential: CredentialRecord;
  readonly secret: string;
}

/**
 * Generates an API key and secret for a user in an organization (W-8): the key is public,
 * the secret is sealed under the master key with the credential id as associated data (W-9).
 * A user has at most one usable key per organization; use `resetApiCredential` to replace it.
 */
export async function issueApiCredential(
  deps: AdminDeps,
  login: string,
  organizationName: string,
): Promise<IssuedCredential> {
  const user = await requireUser(deps.store, login);
  const organization = await requireOrganization(deps.store, organizationName);
  if (!(await deps.store.memberships.isMember(user.id, organization.id))) {
    throw new InvalidInputError(
      `user "${login}" is not a member of "${organizationName}"; add them first (keygate user add-to-org)`,
    );
  }
  const id = randomUUID();
  const secret = generateSecret();
  const now = unixSeconds(deps.now());
  const credential: CredentialRecord = {
    id,
    key: generateApiKey(),
    userId: user.id,
    organizationId: organization.id,
    secretCiphertext: deps.secrets.seal(secret, id),
    status: 'active',
    createdAt: now,
    secretSetAt: now,
  };
  try {
    await deps.store.credentials.create(credential);
  } catch (error) {
    if (error instanceof StoreConflictError) {
      throw new AlreadyExistsError(
        `user "${login}" already has an API key in "${organizationName}"; reset it (keygate apikey reset <key>) or revoke it first`,
      );
    }
    throw error;
  }
  return { credential, secret };
}

/** "Reset keys": replaces the secret of a credential; the old secret stops working at once. */
export async function resetApiCredential(deps: AdminDeps, key: string): Promise<IssuedCredential> {
  const credential = await requireCredential(deps.store, key);
  if (credential.status === 'revoked') {
    throw new InvalidInputError(`API key "${key}" is revoked; generate a new one`);
  }
  const secret = generateSecret();
  const now = unixSeconds(deps.now());
  const secretCiphertext = deps.secrets.seal(secret, credential.id);
  await deps.store.credentials.replaceSecret(credential.id, secretCiphertext, now);
  return { credential: { ...credential, secretCiphertext, secretSetAt: now }, secret };
}

/**
 * Disables, re-enables or revokes a credential. Revocation is permanent and frees the
 * user's slot in that organization for a new key.
 */
export async function setApiCredentialStatus(
  deps: AdminDeps,
  key: string,
  status: CredentialStatus,
): Promise<CredentialRecord> {
  const credential = await requireCredential(deps.store, key);
  if (credential.status === 'revoked') {
    if (status === 'revoked') return credential;
    throw new InvalidInputError(`API key "${key}" is revoked and cannot be re-enabled`);
  }
  await deps.store.credentials.setStatus(credential.id, status);
  return { ...credential, status };
}

/** Opens a credential's secret, for `keygate wsse generate-header` (an operator tool). */
export async function revealApiSecret(deps: AdminDeps, key: string): Promise<IssuedCredential> {
  const credential = await requireCredential(deps.store, key);
  return { credential, secret: deps.secrets.open(credential.secretCiphertext, credential.id) };
}
