import { generatePassword } from '../../secrets/generate_credential_material.js';
import type { AdminDeps } from './admin_deps.js';
import { AlreadyExistsError } from './admin_errors.js';
import { createOrganization } from './organizations.js';
import { createUser } from './users.js';

/** The first administrator created on an empty installation; the password is shown once. */
export interface InitialAdmin {
  readonly login: string;
  readonly password: string;
  readonly organization: string;
}

/** Login and organization created on first start. */
export const INITIAL_ADMIN = { login: 'admin', organization: 'default' } as const;

/**
 * On an installation without users, creates organization `default` and user `admin` with a
 * random password, and returns them so `keygate serve` can print the password once. Returns
 * null when users already exist (including when another process won the race).
 */
export async function ensureInitialAdmin(deps: AdminDeps): Promise<InitialAdmin | null> {
  if ((await deps.store.users.count()) > 0) return null;
  const password = generatePassword();
  try {
    if (!(await deps.store.organizations.findByName(INITIAL_ADMIN.organization))) {
      await createOrganization(deps, INITIAL_ADMIN.organization);
    }
    await createUser(deps, {
      login: INITIAL_ADMIN.login,
      organization: INITIAL_ADMIN.organization,
      password,
    });
  } catch (error) {
    if (error instanceof AlreadyExistsError) return null;
    throw error;
  }
  return { ...INITIAL_ADMIN, password };
}
