import type { IssuedToken } from '../tokens/issued_token.js';

/** The token endpoint's success body (O-6), Penneo's shape plus RFC 6749's fields. */
export interface TokenResponse {
  readonly access_token: string;
  readonly access_token_expires_at: number;
  readonly token_type: 'bearer';
  readonly expires_in: number;
  readonly refresh_token?: string;
  readonly refresh_token_expires_at?: number;
  readonly scope: string;
}

/** Builds the response; the refresh fields appear only when a refresh token was issued. */
export function tokenResponse(
  access: IssuedToken,
  scope: string,
  now: number,
  refresh?: IssuedToken,
): TokenResponse {
  return {
    access_token: access.token,
    access_token_expires_at: access.expiresAt,
    token_type: 'bearer',
    expires_in: access.expiresAt - now,
    ...(refresh
      ? { refresh_token: refresh.token, refresh_token_expires_at: refresh.expiresAt }
      : {}),
    scope,
  };
}
