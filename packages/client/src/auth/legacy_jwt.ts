import { decodeJwt } from 'jose';
import { type AuthContext, resolveUrl } from '../auth_context.js';
import type { AuthStrategy } from '../auth_strategy.js';
import { InvalidResponseError, KeygateHttpError } from '../errors.js';
import { fetchJson } from '../fetch_json.js';
import { requireNonEmptyString } from '../require_non_empty_string.js';
import { SingleFlight } from '../single_flight.js';
import { EXPIRY_BUFFER_SECONDS } from '../token_set.js';

/** Options for {@link legacyJwt}. */
export interface LegacyJwtOptions {
  readonly username: string;
  readonly password: string;
}

const PASSWORD_PATH = '/auth/api/v1/token/password';
const REFRESH_PATH = '/auth/api/v1/token/refresh';

interface LegacySession {
  readonly token: string;
  /** Unix seconds from the JWT's `exp`, or null when it has none. */
  readonly expiresAt: number | null;
  readonly refreshToken: string | null;
}

/** The JWT's `exp`, read without verifying it (only the server checks the token). */
function expiryOf(token: string): number | null {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' && Number.isFinite(exp) ? exp : null;
  } catch {
    return null;
  }
}

function postJson(
  context: AuthContext,
  path: string,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  return fetchJson(context.fetch, {
    method: 'POST',
    url: resolveUrl(context.baseUrl, path),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    what: path,
  });
}

function tokenField(body: Record<string, unknown>, field: string): string | null {
  const value = body[field];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/**
 * Legacy username/password JWTs (L-1..L-3, C-5): signs in with
 * `POST /auth/api/v1/token/password` `{username, password, refresh: true}`, sends the JWT as
 * `X-Auth-Token`, and when the JWT is within 5 s of its `exp` (or the server answers 401)
 * gets a new one from `POST /auth/api/v1/token/refresh` `{token: refresh_token}`. If the
 * refresh token is refused (expired after 30 idle days, password changed), it signs in with
 * the password again, once. Concurrent callers share one refresh.
 */
export function legacyJwt(options: LegacyJwtOptions): AuthStrategy {
  const username = requireNonEmptyString(options?.username, 'legacyJwt: username');
  const password = requireNonEmptyString(options.password, 'legacyJwt: password');
  const flight = new SingleFlight<LegacySession>();
  let session: LegacySession | null = null;

  async function signIn(context: AuthContext): Promise<LegacySession> {
    const body = await postJson(context, PASSWORD_PATH, { username, password, refresh: true });
    const token = tokenField(body, 'token');
    if (token === null) throw new InvalidResponseError(`${PASSWORD_PATH} answered without a token`);
    session = {
      token,
      expiresAt: expiryOf(token),
      refreshToken: tokenField(body, 'refresh_token'),
    };
    return session;
  }

  async function renew(context: AuthContext, current: LegacySession): Promise<LegacySession> {
    if (current.refreshToken !== null) {
      try {
        const body = await postJson(context, REFRESH_PATH, { token: current.refreshToken });
        const token = tokenField(body, 'token');
        if (token !== null) {
          session = {
            token,
            expiresAt: expiryOf(token),
            refreshToken: tokenField(body, 'refresh_token') ?? current.refreshToken,
          };
          return session;
        }
      } catch (error) {
        // A refused refresh token (4xx) falls back to the password; anything else, a redirect
        // included, is reported.
        const refused =
          error instanceof KeygateHttpError && error.status >= 400 && error.status < 500;
        if (!refused) throw error;
      }
    }
    return signIn(context);
  }

  function stale(current: LegacySession, nowMs: number): boolean {
    return (
      current.expiresAt !== null && nowMs >= (current.expiresAt - EXPIRY_BUFFER_SECONDS) * 1000
    );
  }

  /** A usable session: signs in or renews unless another caller already replaced `seen`. */
  function obtain(context: AuthContext, seen: string | null): Promise<LegacySession> {
    return flight.run(async () => {
      const current = session;
      if (current && current.token !== seen && !stale(current, context.now())) return current;
      return current ? renew(context, current) : signIn(context);
    });
  }

  return {
    kind: 'legacy_jwt',
    async headers(context) {
      const current = session;
      const usable =
        current && !stale(current, context.now())
          ? current
          : await obtain(context, current?.token ?? null);
      return { 'x-auth-token': usable.token };
    },
    async unauthorized(context, sent) {
      const refused = sent['x-auth-token'];
      if (refused === undefined) return false;
      await obtain(context, refused);
      return true;
    },
  };
}
