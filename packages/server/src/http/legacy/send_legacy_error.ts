import type { FastifyReply } from 'fastify';
import { LegacyError } from '../../core/legacy/legacy_error.js';
import { sendJsonError } from '../send_json_error.js';

/**
 * Sends a {@link LegacyError} as keygate's JSON error body; 401s carry a `JWT` challenge.
 * Returns false (sending nothing) for any other error, which the caller rethrows.
 */
export function sendLegacyError(reply: FastifyReply, error: unknown, realm: string): boolean {
  if (!(error instanceof LegacyError)) return false;
  if (error.status === 401) reply.header('www-authenticate', `JWT realm="${realm}"`);
  sendJsonError(reply, error.status, error.code, error.description);
  return true;
}
