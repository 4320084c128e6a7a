import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SignInSession } from '../../core/oauth/sign_in_session.js';
import type { Sealer } from '../../core/sealer.js';
import { cookieOptions } from './cookie_options.js';

const SESSION_COOKIE = 'kg_session';
const SESSION_AAD = 'keygate browser session';

/** A signed-in browser: sealed in a cookie, so the server keeps no session table. */
export interface BrowserSession extends SignInSession {
  /** Unix seconds. */
  readonly expiresAt: number;
}

/** Reads the session cookie; null when absent, tampered or expired. */
export function readSession(
  request: FastifyRequest,
  sealer: Sealer,
  now: number,
): BrowserSession | null {
  const sealed = request.cookies[SESSION_COOKIE];
  if (!sealed) return null;
  try {
    const session = JSON.parse(sealer.open(sealed, SESSION_AAD)) as BrowserSession;
    return typeof session.userId === 'string' &&
      Number.isSafeInteger(session.generation) &&
      session.expiresAt > now
      ? session
      : null;
  } catch {
    return null;
  }
}

/** Starts a session for `userId` lasting `lifetimeSeconds`. */
export function writeSession(
  reply: FastifyReply,
  sealer: Sealer,
  session: BrowserSession,
  lifetimeSeconds: number,
  secure: boolean,
): void {
  reply.setCookie(
    SESSION_COOKIE,
    sealer.seal(JSON.stringify(session), SESSION_AAD),
    cookieOptions(secure, lifetimeSeconds),
  );
}
