import type { FastifyReply, FastifyRequest } from 'fastify';
import { cookieOptions } from './cookie_options.js';

const FLASH_COOKIE = 'kg_flash';

/** A one-shot message for the next page (the failed sign-in notice after a 303). */
export function setFlash(reply: FastifyReply, value: string, secure: boolean): void {
  reply.setCookie(FLASH_COOKIE, value, cookieOptions(secure, 60));
}

/** Reads and clears the flash cookie. */
export function takeFlash(
  request: FastifyRequest,
  reply: FastifyReply,
  secure: boolean,
): string | null {
  const value = request.cookies[FLASH_COOKIE];
  if (value === undefined) return null;
  reply.clearCookie(FLASH_COOKIE, cookieOptions(secure));
  return value;
}
