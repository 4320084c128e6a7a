// Brings @fastify/cookie's request.cookies / reply.setCookie types (build_app registers the plugin
// for the authorize routes only).

import { randomBytes } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual } from '../../core/constant_time_equal.js';
import type { SignInSession } from '../../core/oauth/sign_in_session.js';
import type { Sealer } from '../../core/sealer.js';

/** Cookie names used by the sign-in pages. */
export const COOKIES = { session: 'kg_session', csrf: 'kg_csrf', flash: 'kg_flash' } as const;

const SESSION_AAD = 'keygate browser session';
const REQUEST_AAD = 'keygate authorization request';

/** A signed-in browser: sealed in a cookie, so the server keeps no session table. */
export interface BrowserSession extends SignInSession {
  /** Unix seconds. */
  readonly expiresAt: number;
}

function cookieOptions(secure: boolean, maxAge?: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure,
    ...(maxAge === undefined ? {} : { maxAge }),
  };
}

/** Reads the session cookie; null when absent, tampered or expired. */
export function readSession(
  request: FastifyRequest,
  sealer: Sealer,
  now: number,
): BrowserSession | null {
  const sealed = request.cookies[COOKIES.session];
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
    COOKIES.session,
    sealer.seal(JSON.stringify(session), SESSION_AAD),
    cookieOptions(secure, lifetimeSeconds),
  );
}

/**
 * The CSRF token (double submit, O-4): a random value in an HttpOnly cookie that every form
 * must echo in `csrf_token`. Created when missing.
 */
export function csrfToken(request: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  const existing = request.cookies[COOKIES.csrf];
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  reply.setCookie(COOKIES.csrf, token, { ...cookieOptions(secure), sameSite: 'strict' });
  return token;
}

/** True when the form's `csrf_token` equals the cookie, compared in constant time. */
export function csrfMatches(request: FastifyRequest, formToken: string | undefined): boolean {
  const cookie = request.cookies[COOKIES.csrf];
  if (!cookie || !formToken) return false;
  return constantTimeEqual(cookie, formToken);
}

/** A one-shot message for the next page (the failed sign-in notice after a 303). */
export function setFlash(reply: FastifyReply, value: string, secure: boolean): void {
  reply.setCookie(COOKIES.flash, value, cookieOptions(secure, 60));
}

/** Reads and clears the flash cookie. */
export function takeFlash(
  request: FastifyRequest,
  reply: FastifyReply,
  secure: boolean,
): string | null {
  const value = request.cookies[COOKIES.flash];
  if (value === undefined) return null;
  reply.clearCookie(COOKIES.flash, cookieOptions(secure));
  return value;
}

/** Seals the raw authorization query so the forms can carry it without it being altered. */
export function sealAuthorizationQuery(sealer: Sealer, query: string): string {
  return sealer.seal(query, REQUEST_AAD);
}

/** Opens a sealed authorization query; null when it was tampered with. */
export function openAuthorizationQuery(sealer: Sealer, sealed: string | undefined): string | null {
  if (!sealed) return null;
  try {
    return sealer.open(sealed, REQUEST_AAD);
  } catch {
    return null;
  }
}
