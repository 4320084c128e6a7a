// Brings @fastify/cookie's request.cookies / reply.setCookie types (build_app registers the plugin
// for the authorize routes only).
import type {} from '@fastify/cookie';

/**
 * The options every sign-in page cookie is set with: the whole site, HttpOnly, SameSite=Lax
 * (the redirect back from the client must carry the session), Secure when the issuer is
 * https, and a lifetime in seconds when given (a session cookie otherwise).
 */
export function cookieOptions(secure: boolean, maxAgeSeconds?: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure,
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
  };
}
