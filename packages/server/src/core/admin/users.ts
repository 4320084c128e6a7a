import { randomUUID } from 'node:crypto';
import { StoreConflictError, type UserRecord } from '../../store/port.js';
import { unixSeconds } from '../clock.js';
import { checkPasswordPolicy } from '../passwords/check_password_policy.js';
import { hashPassword } from '../passwords/hash_password.js';
import type { AdminDeps } from './admin_deps.js';
import { AlreadyExistsError, InvalidInputError } from './admin_errors.js';
import { checkName } from './check_name.js';
import { requireOrganization, requireUser } from './find_or_fail.js';

/** Input for `createUser`. */
export interface CreateUserInput {
  readonly login: string;
  /** Organization name the user joins. */
  readonly organization: string;
  readonly email?: string | null;
  /** Plain password (checked against L-5 and hashed with argon2id); omit for key-only users. */
  readonly password?: string | null;
}

/** Creates a user and their membership of one organization. */
export async function createUser(deps: AdminDeps, input: CreateUserInput): Promise<UserRecord> {
  const login = checkName('login', input.login);
  const organization = await requireOrganization(deps.store, input.organization);
  const email = input.email ?? null;
  if (email !== null && !/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw new InvalidInputError('email must look like name@example.com');
  }
  let passwordHash: string | null = null;
  if (input.password !== undefined && input.password !== null) {
    const policy = checkPasswordPolicy(input.password);
    if (!policy.ok) throw new InvalidInputError(policy.description);
    passwordHash = await hashPassword(input.password);
  }
  const now = unixSeconds(deps.now());
  const user: UserRecord = {
    id: randomUUID(),
    login,
    email,
    passwordHash,
    createdAt: now,
    disabledAt: null,
  };
  try {
    await deps.store.users.create(user);
  } catch (error) {
    if (error instanceof StoreConflictError) {
      throw new AlreadyExistsError(`a user with login "${login}" already exists`);
    }
    throw error;
  }
  await deps.store.memberships.add({
    userId: user.id,
    organizationId: organization.id,
    createdAt: now,
  });
  return user;
}

/** Adds an existing user to another organization; false when already a member. */
export async function addUserToOrganization(
  deps: AdminDeps,
  login: string,
  organizationName: string,
): Promise<boolean> {
  const user = await requireUser(deps.store, login);
  const organization = await requireOrganization(deps.store, organizationName);
  return deps.store.memberships.add({
    userId: user.id,
    organizationId: organization.id,
    createdAt: unixSeconds(deps.now()),
  });
}

/**
 * Disables (or re-enables) a user: all their API keys and tokens stop working at once (W-7,
 * Disabling also revokes their legacy refresh tokens (L-3) and their OAuth token
 * families, and ends their login-page sessions, for good: re-enabling the user does not
 * bring them back.
 */
export async function setUserDisabled(
  deps: AdminDeps,
  login: string,
  disabled: boolean,
): Promise<UserRecord> {
  const user = await requireUser(deps.store, login);
  const disabledAt = disabled ? unixSeconds(deps.now()) : null;
  await deps.store.users.setDisabled(user.id, disabledAt);
  if (disabledAt !== null) {
    await Promise.all([
      deps.store.legacyRefreshTokens.revokeForUser(user.id, disabledAt),
      deps.store.tokenFamilies.revokeForUser(user.id, disabledAt),
      deps.store.users.endSessions(user.id),
    ]);
  }
  return { ...user, disabledAt };
}
