import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { RequestError } from './request_error.js';
import { writeError } from './write_error.js';

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
  const status = error.statusCode === 414 ? 414 : 400;
  // Such an error never carries a challenge, so no realm is needed.
  return writeError(reply, new RequestError('The request URL is not valid.', status), 'json', '');
}
