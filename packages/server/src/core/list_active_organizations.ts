import type { OrganizationRecord, Store } from '../store/port.js';

/**
 * The organizations the user is a member of that are not disabled, oldest membership first:
 * what the sign-in pages offer and what a legacy sign-in may act in (O-4, L-1).
 */
export async function listActiveOrganizations(
  store: Store,
  userId: string,
): Promise<OrganizationRecord[]> {
  const memberships = await store.memberships.listForUser(userId);
  const organizations = await Promise.all(
    memberships.map((m) => store.organizations.findById(m.organizationId)),
  );
  return organizations.filter((o): o is OrganizationRecord => o !== null && o.disabledAt === null);
}
