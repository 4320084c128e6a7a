import type { FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from '../core/oauth/oauth_error.js';
import { renderErrorPage } from '../web/error_page.js';
import { setPageHeaders } from './oauth/page_headers.js';
import { sendOAuthError } from './oauth/send_oauth_error.js';
import { sendJsonError } from './send_json_error.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * How a request refused before its handler (schema, body parsing) is answered: `oauth`
     * as RFC 6749 §5.2 JSON, `page` as an HTML error page for the browser; keygate's JSON
     * error body otherwise (legacy JWT routes and the rest).
     */
    errorFormat?: 'oauth' | 'page';
  }
}

/**
 * Answers a bad request (`status` 4xx) in the format of the route's scheme, always with the
 * code `invalid_request`. `description` must be safe to show: it never quotes the request.
 */
export function sendRequestError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  description: string,
): FastifyReply {
  const format = request.routeOptions.config.errorFormat;
  if (format === 'page') {
    return setPageHeaders(reply)
      .code(status)
      .send(renderErrorPage('This request is not valid', description));
  }
  if (format === 'oauth') {
    // An invalid_request never carries a challenge, so no realm is needed.
    sendOAuthError(reply, new OAuthError('invalid_request', description, status), '');
    return reply;
  }
  return sendJsonError(reply, status, 'invalid_request', description);
}
