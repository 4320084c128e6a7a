import type { Selectable } from 'kysely';
import type {
  AuthorizationCodeRecord,
  CredentialRecord,
  CredentialStatus,
  GrantType,
  MembershipRecord,
  OAuthClientRecord,
  OrganizationRecord,
  PkceMethod,
  RefreshTokenRecord,
  SigningKeyRecord,
  TokenFamilyRecord,
  UserRecord,
} from '../port.js';
import { decodeFlag, decodeTextList } from './column_codecs.js';
import type {
  ApiCredentialsTable,
  AuthorizationCodesTable,
  MembershipsTable,
  OAuthClientsTable,
  OrganizationsTable,
  RefreshTokensTable,
  SigningKeysTable,
  TokenFamiliesTable,
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

/** Maps an `oauth_clients` row: JSON lists parsed, 0/1 flags as booleans. */
export function toOAuthClient(row: Selectable<OAuthClientsTable>): OAuthClientRecord {
  return {
    clientId: row.client_id,
    name: row.name,
    secretHash: row.secret_hash,
    redirectUris: decodeTextList(row.redirect_uris),
    grantTypes: decodeTextList<GrantType>(row.grant_types),
    scopes: decodeTextList(row.scopes),
    skipConsent: decodeFlag(row.skip_consent),
    requirePkce: decodeFlag(row.require_pkce),
    allowPlainPkce: decodeFlag(row.allow_plain_pkce),
    introspectAnyToken: decodeFlag(row.introspect_any_token),
    scopesVersion: Number(row.scopes_version),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** Maps a `token_families` row. */
export function toTokenFamily(row: Selectable<TokenFamiliesTable>): TokenFamilyRecord {
  return {
    id: row.id,
    clientId: row.client_id,
    userId: row.user_id,
    organizationId: row.organization_id,
    createdAt: Number(row.created_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

/** Maps an `authorization_codes` row; the schema's CHECK constraint guarantees the method. */
export function toAuthorizationCode(
  row: Selectable<AuthorizationCodesTable>,
): AuthorizationCodeRecord {
  return {
    codeHash: row.code_hash,
    clientId: row.client_id,
    redirectUri: row.redirect_uri,
    scope: row.scope,
    userId: row.user_id,
    organizationId: row.organization_id,
    codeChallenge: row.code_challenge,
    codeChallengeMethod: row.code_challenge_method as PkceMethod | null,
    familyId: row.family_id,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    consumedAt: row.consumed_at === null ? null : Number(row.consumed_at),
  };
}

/** Maps a `refresh_tokens` row. */
export function toRefreshToken(row: Selectable<RefreshTokensTable>): RefreshTokenRecord {
  return {
    jti: row.jti,
    familyId: row.family_id,
    clientId: row.client_id,
    userId: row.user_id,
    organizationId: row.organization_id,
    scope: row.scope,
    clientScopesVersion: Number(row.client_scopes_version),
    issuedAt: Number(row.issued_at),
    expiresAt: Number(row.expires_at),
    consumedAt: row.consumed_at === null ? null : Number(row.consumed_at),
    successorJti: row.successor_jti,
    successorResponseSealed: row.successor_response_sealed,
  };
}

/**
 * Maps a `signing_keys` row. `alg` is cast, not checked: a row a newer keygate wrote with
 * another algorithm reaches the caller, which skips keys it cannot use.
 */
export function toSigningKey(row: Selectable<SigningKeysTable>): SigningKeyRecord {
  return {
    kid: row.kid,
    alg: row.alg as SigningKeyRecord['alg'],
    publicJwk: row.public_jwk,
    privateJwkSealed: row.private_jwk_sealed,
    createdAt: Number(row.created_at),
    activatesAt: Number(row.activates_at),
    retiredAt: row.retired_at === null ? null : Number(row.retired_at),
  };
}
