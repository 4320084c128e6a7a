import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual } from '../../core/constant_time_equal.js';
import { cookieOptions } from './cookie_options.js';

const CSRF_COOKIE = 'kg_csrf';

/**
 * The CSRF token (double submit, O-4): a random value in an HttpOnly cookie that every form
 * must echo in `csrf_token`. Created when missing.
 */
export function csrfToken(request: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  const existing = request.cookies[CSRF_COOKIE];
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomBytes(32).toString('base64url');
  reply.setCookie(CSRF_COOKIE, token, { ...cookieOptions(secure), sameSite: 'strict' });
  return token;
}

/** True when the form's `csrf_token` equals the cookie, compared in constant time. */
export function csrfMatches(request: FastifyRequest, formToken: string | undefined): boolean {
  const cookie = request.cookies[CSRF_COOKIE];
  if (!cookie || !formToken) return false;
  return constantTimeEqual(cookie, formToken);
}
