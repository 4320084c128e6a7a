import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { sendJsonError } from './send_json_error.js';

/**
 * Fastify's `frameworkErrors` hook: answers a URL the router cannot read (a malformed
 * percent-encoding, an overlong path parameter) with keygate's JSON error body. Fastify's own
 * answer quotes the URL, which may carry a token.
 */
export function answerFrameworkError(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error.statusCode !== undefined && error.statusCode >= 500) {
    return sendJsonError(reply, 500, 'server_error', 'Internal server error.');
  }
  return sendJsonError(reply, 400, 'invalid_request', 'The request URL is not valid.');
}
