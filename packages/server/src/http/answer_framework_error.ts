import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { sendJsonError } from './send_json_error.js';

/**
 * Fastify's `frameworkErrors` hook: answers a URL the router cannot read (a malformed
 * percent-encoding, 400; an overlong path parameter, 414) with keygate's JSON error body.
 * Fastify's own answer quotes the URL, which may carry a token. keygate declares no async
 * route constraints, the one other framework error.
 */
export function answerFrameworkError(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  return sendJsonError(
    reply,
    error.statusCode === 414 ? 414 : 400,
    'invalid_request',
    'The request URL is not valid.',
  );
}
