import { randomUUID } from 'node:crypto';
import { type OrganizationRecord, StoreConflictError } from '../../store/port.js';
import { unixSeconds } from '../clock.js';
import type { AdminDeps } from './admin_deps.js';
import { AlreadyExistsError } from './admin_errors.js';
import { checkName } from './check_name.js';
import { requireOrganization } from './find_or_fail.js';

/** Creates an organization with a unique name. */
export async function createOrganization(
  deps: AdminDeps,
  name: string,
): Promise<OrganizationRecord> {
  const record: OrganizationRecord = {
    id: randomUUID(),
    name: checkName('organization name', name),
    createdAt: unixSeconds(deps.now()),
    disabledAt: null,
  };
  try {
    await deps.store.organizations.create(record);
  } catch (error) {
    if (error instanceof StoreConflictError) {
      throw new AlreadyExistsError(`an organization named "${name}" already exists`);
    }
    throw error;
  }
  return record;
}

/** Disables (or re-enables) an organization: its API keys stop working at once (W-7). */
export async function setOrganizationDisabled(
  deps: AdminDeps,
  name: string,
  disabled: boolean,
): Promise<OrganizationRecord> {
  const organization = await requireOrganization(deps.store, name);
  const disabledAt = disabled ? unixSeconds(deps.now()) : null;
  await deps.store.organizations.setDisabled(organization.id, disabledAt);
  return { ...organization, disabledAt };
}
