import type { RequestRefusedError } from '@keygate/client';
import type { FastifyReply } from 'fastify';

/** Answers a refused request: its status, `WWW-Authenticate`/`Retry-After` and JSON body. */
export function sendRefusal(reply: FastifyReply, refusal: RequestRefusedError): FastifyReply {
  return reply
    .code(refusal.status)
    .headers({ ...refusal.headers(), 'cache-control': 'no-store' })
    .type('application/json')
    .send(refusal.body());
}
