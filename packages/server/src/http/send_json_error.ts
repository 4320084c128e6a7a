import type { FastifyReply } from 'fastify';

/**
 * Sends the one error body shape keygate uses everywhere:
 * `{"error": "<code>", "error_description": "<text>"}` with `Cache-Control: no-store`.
 */
export function sendJsonError(
  reply: FastifyReply,
  status: number,
  error: string,
  description: string,
): FastifyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('application/json')
    .send({ error, error_description: description });
}
