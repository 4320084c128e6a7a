import type { FastifyReply } from 'fastify';

/**
 * Headers for every sign-in, consent and error page (O-4): no framing (clickjacking), no
 * referrer (codes and state never leak), a CSP that allows only keygate's
 * own stylesheet; like every answer they are never cached (`installNoStoreByDefault`). `form-action` is deliberately unset: browsers apply it to the redirect
 * that follows a form post, which must reach the client's registered redirect URI.
 */
export function setPageHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header(
      'content-security-policy',
      "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    )
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .type('text/html; charset=utf-8');
}
