import type { OrganizationRecord, Store, UserRecord } from '../store/port.js';

/** A user and organization that are both active, the user a member of the organization. */
export interface ActiveSubject {
  readonly user: UserRecord;
  readonly organization: OrganizationRecord;
}

/**
 * Reads the user, the organization and the membership fresh from the store and answers null
 * unless all three are live. Every path that acts for a user in an organization after the
 * sign-in asks it: the Bearer and X-Auth-Token checks (R-3: disabling either, or removing the
 * membership, takes effect on the next request), the code and refresh grants and refresh-token
 * introspection (O-5, O-9: no new tokens, and no `active: true`, for a subject that is gone).
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
