import type { OrganizationRecord, Store, UserRecord } from '../../store/port.js';

/** A user and organization that are both active, the user a member of the organization. */
export interface ActiveSubject {
  readonly user: UserRecord;
  readonly organization: OrganizationRecord;
}

/**
 * Reads the user, the organization and the membership fresh from the store (R-3: disabling
 * either, or removing the membership, takes effect on the next request) and answers null
 * unless all three are live.
 */
export async function findActiveSubject(
  store: Store,
  userId: string,
  organizationId: string,
): Promise<ActiveSubject | null> {
  const [user, organization, member] = await Promise.all([
    store.users.findById(userId),
    store.organizations.findById(organizationId),
    store.memberships.isMember(userId, organizationId),
  ]);
  if (!user || user.disabledAt !== null || !organization || organization.disabledAt !== null) {
    return null;
  }
  return member ? { user, organization } : null;
}
