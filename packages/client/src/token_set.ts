import { InvalidResponseError } from './errors.js';

/**
 * Tokens as the SDK keeps them, with absolute expiry times (unix seconds), so a stored set can
 * be judged by any clock later.
 */
export interface TokenSet {
  readonly accessToken: string;
  /** Unix seconds after which the access token is refused. */
  readonly accessTokenExpiresAt: number;
  readonly refreshToken?: string;
  /** Unix seconds after which the refresh token is refused, when the server said. */
  readonly refreshTokenExpiresAt?: number;
  readonly scope?: string;
}

/** The token endpoint's JSON answer (O-6: Penneo's shape plus RFC 6749's fields). */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_in?: number;
  readonly access_token_expires_at?: number;
  readonly refresh_token?: string;
  readonly refresh_token_expires_at?: number;
  readonly scope?: string;
  readonly [field: string]: unknown;
}

/** Seconds before expiry at which a token counts as expired (C-3's 5 s buffer). */
export const EXPIRY_BUFFER_SECONDS = 5;

/** Unix seconds of a millisecond clock reading. */
function unixSeconds(nowMs: number): number {
  return Math.floor(nowMs / 1000);
}

/** True when the access token is expired or within {@link EXPIRY_BUFFER_SECONDS} of it. */
export function accessTokenStale(tokens: TokenSet, nowMs: number): boolean {
  return nowMs >= (tokens.accessTokenExpiresAt - EXPIRY_BUFFER_SECONDS) * 1000;
}

/** True when the refresh token is missing or known to be expired. */
export function refreshTokenExpired(tokens: TokenSet, nowMs: number): boolean {
  if (tokens.refreshToken === undefined) return true;
  return tokens.refreshTokenExpiresAt !== undefined && nowMs >= tokens.refreshTokenExpiresAt * 1000;
}

function optionalNumber(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidResponseError(`the token response's ${field} is not a number`);
  }
  return value;
}

/**
 * Checks a token endpoint answer and converts it to a {@link TokenSet}. The access token's
 * expiry is `access_token_expires_at` when given, else `now + expires_in`, else one hour.
 *
 * @throws InvalidResponseError when `access_token` is missing or a field has the wrong type.
 */
export function tokenSetFromResponse(body: unknown, nowMs: number): TokenSet {
  if (body === null || typeof body !== 'object') {
    throw new InvalidResponseError('the token response is not a JSON object');
  }
  const fields = body as Record<string, unknown>;
  if (typeof fields.access_token !== 'string' || fields.access_token.length === 0) {
    throw new InvalidResponseError('the token response has no access_token');
  }
  const expiresAt =
    optionalNumber(fields.access_token_expires_at, 'access_token_expires_at') ??
    unixSeconds(nowMs) + (optionalNumber(fields.expires_in, 'expires_in') ?? 3600);
  const refreshToken =
    typeof fields.refresh_token === 'string' && fields.refresh_token.length > 0
      ? fields.refresh_token
      : undefined;
  const refreshExpiresAt = optionalNumber(
    fields.refresh_token_expires_at,
    'refresh_token_expires_at',
  );
  return {
    accessToken: fields.access_token,
    accessTokenExpiresAt: expiresAt,
    ...(refreshToken !== undefined ? { refreshToken } : {}),
    ...(refreshToken !== undefined && refreshExpiresAt !== undefined
      ? { refreshTokenExpiresAt: refreshExpiresAt }
      : {}),
    ...(typeof fields.scope === 'string' ? { scope: fields.scope } : {}),
  };
}
