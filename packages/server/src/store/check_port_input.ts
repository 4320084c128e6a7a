import type {
  AuthorizationCodeRecord,
  CredentialStatus,
  GrantType,
  OAuthClientPatch,
  OAuthClientRecord,
  PkceMethod,
  RefreshTokenRecord,
  SigningKeyRecord,
  TokenFamilyRecord,
} from './port.js';

/**
 * Input checks shared by every adapter, so each one rejects the same caller mistakes the same
 * way: a `TypeError` (caller misuse, never a domain error) naming the argument, never its value.
 */

const STATUSES: ReadonlySet<string> = new Set<CredentialStatus>(['active', 'disabled', 'revoked']);

/**
 * Throws `TypeError` unless `value` is unix seconds: a safe integer (the port's time unit).
 * @param value - the time to check.
 * @param name - the argument's name, for the message.
 */
export function checkUnixSeconds(value: number, name: string): void {
  if (!Number.isSafeInteger(value)) throw new TypeError(`${name} must be integer unix seconds`);
}

/**
 * Throws `TypeError` unless `value` is a counter window length: a safe integer ≥ 1 (seconds).
 * @param value - the ttl to check.
 */
export function checkCounterTtl(value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError('ttlSeconds must be a whole number of seconds, at least 1');
  }
}

/**
 * Like {@link checkUnixSeconds} but also accepts null (a time that is not set).
 * @param value - the time to check.
 * @param name - the argument's name, for the message.
 */
export function checkOptionalUnixSeconds(value: number | null, name: string): void {
  if (value !== null) checkUnixSeconds(value, name);
}

/**
 * Throws `TypeError` unless `value` is one of the port's credential statuses.
 * @param value - the status to check.
 */
export function checkCredentialStatus(value: CredentialStatus): void {
  if (!STATUSES.has(value)) throw new TypeError('status must be active, disabled or revoked');
}

/**
 * Throws `TypeError` unless `value` is a string; guards the ciphertext a `resealAll`
 * callback returns, since a non-string would otherwise be written into a secret column.
 * @param value - the value to check.
 * @param name - what it is, for the message.
 */
export function checkString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
}

/**
 * Throws `TypeError` unless `value` is a safe integer (a counter such as `scopesVersion`).
 * @param value - the number to check.
 * @param name - the argument's name, for the message.
 */
export function checkSafeInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value)) throw new TypeError(`${name} must be a safe integer`);
}

/**
 * Throws `TypeError` unless `value` is a boolean; the SQL adapters would silently store a
 * truthy number as true.
 * @param value - the flag to check.
 * @param name - the field's name, for the message.
 */
export function checkBoolean(value: boolean, name: string): void {
  if (typeof value !== 'boolean') throw new TypeError(`${name} must be a boolean`);
}

/**
 * Throws `TypeError` unless `value` is an array of strings (the list columns are JSON text,
 * so anything else would not read back as it was written).
 * @param value - the list to check.
 * @param name - the field's name, for the message.
 */
export function checkStringList(value: readonly string[], name: string): void {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new TypeError(`${name} must be an array of strings`);
  }
}

const GRANT_TYPES: ReadonlySet<string> = new Set<GrantType>([
  'authorization_code',
  'refresh_token',
  'api_keys',
  'client_credentials',
]);

/**
 * Throws `TypeError` unless `value` is an array of the port's grant types.
 * @param value - the grant types to check.
 */
export function checkGrantTypes(value: readonly GrantType[]): void {
  checkStringList(value, 'grantTypes');
  if (!value.every((grant) => GRANT_TYPES.has(grant))) {
    throw new TypeError(
      'grantTypes must hold only authorization_code, refresh_token, api_keys or client_credentials',
    );
  }
}

/**
 * Throws `TypeError` unless `value` is a PKCE method of the port, or null (no challenge).
 * @param value - the method to check.
 */
export function checkPkceMethod(value: PkceMethod | null): void {
  if (value !== null && value !== 'S256' && value !== 'plain') {
    throw new TypeError('codeChallengeMethod must be S256, plain or null');
  }
}

/**
 * Throws `TypeError` unless `value` is a signing algorithm the port knows (`ES256`).
 * @param value - the algorithm to check.
 */
export function checkSigningAlg(value: SigningKeyRecord['alg']): void {
  if (value !== 'ES256') throw new TypeError('alg must be ES256');
}

/**
 * Checks every typed field of an OAuth client: lists, grant types, flags, version and times.
 * @param record - the client to check.
 */
export function checkOAuthClient(record: OAuthClientRecord): void {
  checkStringList(record.redirectUris, 'redirectUris');
  checkGrantTypes(record.grantTypes);
  checkStringList(record.scopes, 'scopes');
  checkBoolean(record.skipConsent, 'skipConsent');
  checkBoolean(record.requirePkce, 'requirePkce');
  checkBoolean(record.allowPlainPkce, 'allowPlainPkce');
  checkBoolean(record.introspectAnyToken, 'introspectAnyToken');
  checkSafeInteger(record.scopesVersion, 'scopesVersion');
  checkUnixSeconds(record.createdAt, 'createdAt');
  checkUnixSeconds(record.updatedAt, 'updatedAt');
}

/**
 * Like {@link checkOAuthClient} for the fields a patch sets (undefined means "leave as it is").
 * @param patch - the patch to check.
 */
export function checkOAuthClientPatch(patch: OAuthClientPatch): void {
  if (patch.redirectUris !== undefined) checkStringList(patch.redirectUris, 'redirectUris');
  if (patch.grantTypes !== undefined) checkGrantTypes(patch.grantTypes);
  if (patch.scopes !== undefined) checkStringList(patch.scopes, 'scopes');
  if (patch.skipConsent !== undefined) checkBoolean(patch.skipConsent, 'skipConsent');
  if (patch.requirePkce !== undefined) checkBoolean(patch.requirePkce, 'requirePkce');
  if (patch.allowPlainPkce !== undefined) checkBoolean(patch.allowPlainPkce, 'allowPlainPkce');
  if (patch.introspectAnyToken !== undefined) {
    checkBoolean(patch.introspectAnyToken, 'introspectAnyToken');
  }
  if (patch.scopesVersion !== undefined) checkSafeInteger(patch.scopesVersion, 'scopesVersion');
  if (patch.updatedAt !== undefined) checkUnixSeconds(patch.updatedAt, 'updatedAt');
}

/**
 * Checks a token family's times.
 * @param record - the family to check.
 */
export function checkTokenFamily(record: TokenFamilyRecord): void {
  checkUnixSeconds(record.createdAt, 'createdAt');
  checkOptionalUnixSeconds(record.revokedAt, 'revokedAt');
}

/**
 * Checks an authorization code's PKCE method and times.
 * @param record - the code to check.
 */
export function checkAuthorizationCode(record: AuthorizationCodeRecord): void {
  checkPkceMethod(record.codeChallengeMethod);
  checkUnixSeconds(record.createdAt, 'createdAt');
  checkUnixSeconds(record.expiresAt, 'expiresAt');
  checkOptionalUnixSeconds(record.consumedAt, 'consumedAt');
}

/**
 * Checks a refresh token's scopes version and times.
 * @param record - the token to check.
 */
export function checkRefreshToken(record: RefreshTokenRecord): void {
  checkSafeInteger(record.clientScopesVersion, 'clientScopesVersion');
  checkUnixSeconds(record.issuedAt, 'issuedAt');
  checkUnixSeconds(record.expiresAt, 'expiresAt');
  checkOptionalUnixSeconds(record.consumedAt, 'consumedAt');
}

/**
 * Checks a signing key's algorithm and times.
 * @param record - the key to check.
 */
export function checkSigningKey(record: SigningKeyRecord): void {
  checkSigningAlg(record.alg);
  checkUnixSeconds(record.createdAt, 'createdAt');
  checkUnixSeconds(record.activatesAt, 'activatesAt');
  checkOptionalUnixSeconds(record.retiredAt, 'retiredAt');
}
