import { LegacyError } from './legacy_error.js';

/** `POST /auth/api/v1/token/password` as parsed (L-1). */
export interface PasswordTokenRequest {
  readonly username: string;
  readonly password: string;
  /** `"refresh": true` also hands out a refresh token. */
  readonly refresh: boolean;
  /** Name or id of the organization to act in; null for the default (see `signInForLegacyToken`). */
  readonly organization: string | null;
}

// Far above any login or organization name; the password itself is bounded by the body limit.
const MAX_NAME_LENGTH = 1024;
// Refresh tokens are 43 characters; longer input (a JWT sent by mistake) is still a 401.
const MAX_REFRESH_TOKEN_LENGTH = 8192;

/**
 * Reads the JSON body of the password endpoint (L-1). Anything but an object with a non-empty
 * string `username`, a string `password`, an optional boolean `refresh` and an optional string
 * `organization` is `invalid_request` (400); unknown fields are ignored. The description names
 * the field, never its value.
 */
export function readPasswordTokenRequest(body: unknown): PasswordTokenRequest {
  const fields = readObject(body);
  const { username, password, refresh, organization } = fields;
  if (typeof username !== 'string' || username.length === 0 || username.length > MAX_NAME_LENGTH) {
    throw new LegacyError('invalid_request', 'username must be a non-empty string.');
  }
  if (typeof password !== 'string' || password.length === 0) {
    throw new LegacyError('invalid_request', 'password must be a non-empty string.');
  }
  if (refresh !== undefined && refresh !== null && typeof refresh !== 'boolean') {
    throw new LegacyError('invalid_request', 'refresh must be true or false.');
  }
  if (
    organization !== undefined &&
    organization !== null &&
    (typeof organization !== 'string' ||
      organization.length === 0 ||
      organization.length > MAX_NAME_LENGTH)
  ) {
    throw new LegacyError('invalid_request', 'organization must be a non-empty string.');
  }
  return {
    username,
    password,
    refresh: refresh === true,
    organization: typeof organization === 'string' ? organization : null,
  };
}

/**
 * Reads the JSON body of the refresh endpoint (L-3): `{ "token": "<refresh_token>" }`.
 * Anything else is `invalid_request` (400).
 */
export function readRefreshTokenRequest(body: unknown): { readonly token: string } {
  const { token } = readObject(body);
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_REFRESH_TOKEN_LENGTH) {
    throw new LegacyError('invalid_request', 'token must be the refresh_token string.');
  }
  return { token };
}

function readObject(body: unknown): Readonly<Record<string, unknown>> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new LegacyError(
      'invalid_request',
      'Send a JSON object (Content-Type: application/json).',
    );
  }
  return body as Readonly<Record<string, unknown>>;
}
