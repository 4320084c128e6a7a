import { generateClientId, generateSecret } from '../../secrets/generate_credential_material.js';
import {
  type GrantType,
  type OAuthClientPatch,
  type OAuthClientRecord,
  StoreConflictError,
} from '../../store/port.js';
import { unixSeconds } from '../clock.js';
import { checkRedirectUriForRegistration } from '../oauth/checks/redirect_uri.js';
import { isScopeToken } from '../oauth/checks/scope.js';
import { hashClientSecret } from '../oauth/client_secret.js';
import type { AdminDeps } from './admin_deps.js';
import { InvalidInputError, NotFoundError } from './admin_errors.js';
import { checkName } from './check_name.js';

/** Every grant type a client may be allowed (O-7). */
export const GRANT_TYPES: readonly GrantType[] = [
  'authorization_code',
  'refresh_token',
  'api_keys',
  'client_credentials',
];

/** Grants that need a client secret, so public clients cannot have them. */
const CONFIDENTIAL_ONLY: readonly GrantType[] = ['api_keys', 'client_credentials'];

/** Settings of a client to register or update. */
export interface OAuthClientSettings {
  readonly name: string;
  readonly redirectUris: readonly string[];
  readonly grantTypes?: readonly string[];
  readonly scopes?: readonly string[];
  /** A public client (no secret: a browser or native app). */
  readonly public?: boolean;
  readonly skipConsent?: boolean;
  /** Confidential clients only: do not require PKCE for the authorization code grant. */
  readonly disablePkce?: boolean;
  readonly allowPlainPkce?: boolean;
  /**
   * Confidential clients only: may introspect tokens issued to any client (a resource server).
   * Without it a client learns only about its own tokens (RFC 7662 §4).
   */
  readonly introspectAnyToken?: boolean;
}

/** A registered client with its secret, which is shown once (null for public clients). */
export interface RegisteredClient {
  readonly client: OAuthClientRecord;
  readonly secret: string | null;
}

function checkGrantTypes(values: readonly string[], isPublic: boolean): GrantType[] {
  const grants = [...new Set(values)];
  for (const grant of grants) {
    if (!GRANT_TYPES.includes(grant as GrantType)) {
      throw new InvalidInputError(`unknown grant type "${grant}"; use ${GRANT_TYPES.join(', ')}`);
    }
    if (isPublic && CONFIDENTIAL_ONLY.includes(grant as GrantType)) {
      throw new InvalidInputError(
        `a public client cannot use the ${grant} grant (it has no secret)`,
      );
    }
  }
  if (grants.length === 0) throw new InvalidInputError('a client needs at least one grant type');
  return grants as GrantType[];
}

function checkScopes(values: readonly string[]): string[] {
  const scopes = [...new Set(values)];
  for (const scope of scopes) {
    if (!isScopeToken(scope)) throw new InvalidInputError(`"${scope}" is not a valid scope`);
  }
  return scopes;
}

/** Introspection needs client authentication (RFC 7662 §2.1), which a public client lacks. */
const publicCannotIntrospect = () =>
  new InvalidInputError('a public client cannot introspect tokens (it has no secret)');

function checkRedirectUris(uris: readonly string[], grants: readonly GrantType[]): string[] {
  const checked = [...new Set(uris)].map(checkRedirectUriForRegistration);
  if (grants.includes('authorization_code') && checked.length === 0) {
    throw new InvalidInputError('the authorization_code grant needs at least one --redirect-uri');
  }
  return checked;
}

/** Registers an OAuth client (O-1, O-2); the secret is returned once and stored as SHA-256. */
export async function registerOAuthClient(
  deps: AdminDeps,
  settings: OAuthClientSettings,
): Promise<RegisteredClient> {
  const isPublic = settings.public === true;
  if (isPublic && settings.disablePkce) {
    throw new InvalidInputError('public clients must use PKCE');
  }
  if (isPublic && settings.introspectAnyToken) throw publicCannotIntrospect();
  const grantTypes = checkGrantTypes(
    settings.grantTypes ?? ['authorization_code', 'refresh_token'],
    isPublic,
  );
  const secret = isPublic ? null : generateSecret();
  const now = unixSeconds(deps.now());
  const client: OAuthClientRecord = {
    clientId: generateClientId(),
    name: checkName('client name', settings.name),
    secretHash: secret === null ? null : hashClientSecret(secret),
    redirectUris: checkRedirectUris(settings.redirectUris, grantTypes),
    grantTypes,
    scopes: checkScopes(settings.scopes ?? []),
    skipConsent: settings.skipConsent === true,
    requirePkce: settings.disablePkce !== true,
    allowPlainPkce: settings.allowPlainPkce === true,
    introspectAnyToken: settings.introspectAnyToken === true,
    scopesVersion: 1,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await deps.store.oauthClients.create(client);
  } catch (error) {
    if (error instanceof StoreConflictError)
      throw new InvalidInputError('client id collision; retry');
    throw error;
  }
  return { client, secret };
}

/** The client with this id, or `NotFoundError`. */
export async function requireOAuthClient(
  deps: AdminDeps,
  clientId: string,
): Promise<OAuthClientRecord> {
  const client = await deps.store.oauthClients.findByClientId(clientId);
  if (!client) throw new NotFoundError(`no OAuth client "${clientId}"`);
  return client;
}

/**
 * Changes a client's settings. Changing its allowed scopes bumps `scopesVersion`, which makes
 * every refresh token issued before the change invalid (O-9).
 */
export async function updateOAuthClient(
  deps: AdminDeps,
  clientId: string,
  changes: Partial<OAuthClientSettings>,
): Promise<OAuthClientRecord> {
  const client = await requireOAuthClient(deps, clientId);
  const isPublic = client.secretHash === null;
  const patch: { -readonly [K in keyof OAuthClientPatch]: OAuthClientPatch[K] } = {
    updatedAt: unixSeconds(deps.now()),
  };
  if (changes.name !== undefined) patch.name = checkName('client name', changes.name);
  const grantTypes =
    changes.grantTypes !== undefined
      ? checkGrantTypes(changes.grantTypes, isPublic)
      : client.grantTypes;
  if (changes.grantTypes !== undefined) patch.grantTypes = grantTypes;
  if (changes.redirectUris !== undefined || changes.grantTypes !== undefined) {
    patch.redirectUris = checkRedirectUris(changes.redirectUris ?? client.redirectUris, grantTypes);
  }
  if (changes.scopes !== undefined) {
    const scopes = checkScopes(changes.scopes);
    const same =
      scopes.length === client.scopes.length && scopes.every((s) => client.scopes.includes(s));
    if (!same) {
      patch.scopes = scopes;
      patch.scopesVersion = client.scopesVersion + 1;
    }
  }
  if (changes.skipConsent !== undefined) patch.skipConsent = changes.skipConsent;
  if (changes.disablePkce !== undefined) {
    if (isPublic && changes.disablePkce)
      throw new InvalidInputError('public clients must use PKCE');
    patch.requirePkce = !changes.disablePkce;
  }
  if (changes.allowPlainPkce !== undefined) patch.allowPlainPkce = changes.allowPlainPkce;
  if (changes.introspectAnyToken !== undefined) {
    if (isPublic && changes.introspectAnyToken) throw publicCannotIntrospect();
    patch.introspectAnyToken = changes.introspectAnyToken;
  }
  const updated = await deps.store.oauthClients.update(clientId, patch);
  if (!updated) throw new NotFoundError(`no OAuth client "${clientId}"`);
  return updated;
}

/**
 * Gives a confidential client a new secret, e.g. after the old one leaked (O-1). The old
 * secret stops working at once: only the new secret's SHA-256 is stored, and the token
 * endpoint sees the change on its next request (O-6). Codes and refresh tokens already issued
 * to the client are left alone; the client must present the new secret to redeem them.
 * Throws `NotFoundError` for an unknown client and `InvalidInputError` for a public client,
 * which has no secret.
 * @returns the client and its new secret, which is shown once.
 */
export async function resetOAuthClientSecret(
  deps: AdminDeps,
  clientId: string,
): Promise<RegisteredClient & { readonly secret: string }> {
  const client = await requireOAuthClient(deps, clientId);
  if (client.secretHash === null) {
    throw new InvalidInputError(
      `client "${clientId}" is a public client: it has no secret to reset`,
    );
  }
  const secret = generateSecret();
  const updated = await deps.store.oauthClients.update(clientId, {
    secretHash: hashClientSecret(secret),
    updatedAt: unixSeconds(deps.now()),
  });
  if (!updated) throw new NotFoundError(`no OAuth client "${clientId}"`);
  return { client: updated, secret };
}

/** Deletes a client and everything issued to it. */
export async function deleteOAuthClient(deps: AdminDeps, clientId: string): Promise<void> {
  if (!(await deps.store.oauthClients.delete(clientId))) {
    throw new NotFoundError(`no OAuth client "${clientId}"`);
  }
}
