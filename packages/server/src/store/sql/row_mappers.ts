import type { Selectable } from 'kysely';
import type {
  CredentialRecord,
  CredentialStatus,
  MembershipRecord,
  OrganizationRecord,
  UserRecord,
} from '../port.js';
import type {
  ApiCredentialsTable,
  MembershipsTable,
  OrganizationsTable,
  UsersTable,
} from './database.js';

/**
 * Row → record mappers. `Number()` turns whatever the driver returns for `bigint`
 * (number, string or bigint) into the port's unix seconds.
 */

/** Maps an `organizations` row. */
export function toOrganization(row: Selectable<OrganizationsTable>): OrganizationRecord {
  return {
    id: row.id,
    name: row.name,
    createdAt: Number(row.created_at),
    disabledAt: row.disabled_at === null ? null : Number(row.disabled_at),
  };
}

/** Maps a `users` row. */
export function toUser(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    login: row.login,
    email: row.email,
    passwordHash: row.password_hash,
    createdAt: Number(row.created_at),
    disabledAt: row.disabled_at === null ? null : Number(row.disabled_at),
  };
}

/** Maps a `memberships` row. */
export function toMembership(row: Selectable<MembershipsTable>): MembershipRecord {
  return {
    userId: row.user_id,
    organizationId: row.organization_id,
    createdAt: Number(row.created_at),
  };
}

/** Maps an `api_credentials` row; the schema's CHECK constraint guarantees the status. */
export function toCredential(row: Selectable<ApiCredentialsTable>): CredentialRecord {
  return {
    id: row.id,
    key: row.key,
    userId: row.user_id,
    organizationId: row.organization_id,
    secretCiphertext: row.secret_ciphertext,
    status: row.status as CredentialStatus,
    createdAt: Number(row.created_at),
    secretSetAt: Number(row.secret_set_at),
  };
}
