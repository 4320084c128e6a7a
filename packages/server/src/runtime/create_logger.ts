import { type Logger, pino } from 'pino';
import type { LogLevel } from '../core/config/keygate_config.js';

/**
 * Header and body paths that may carry credentials. They are removed from every log line
 * secrets, digests, passwords and tokens never reach the logs.
 */
export const REDACTED_PATHS = [
  'req.headers["x-wsse"]',
  'req.headers.authorization',
  'req.headers["x-auth-token"]',
  'req.headers.cookie',
  'headers["x-wsse"]',
  'headers.authorization',
  'headers["x-auth-token"]',
  'headers.cookie',
  'secret',
  'password',
  'passwordDigest',
  'digest',
  'token',
];

/** The structured JSON logger every part of the server writes to. */
export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, base: { service: 'keygate' }, redact: { paths: REDACTED_PATHS, remove: true } },
    destination ?? process.stdout,
  );
}
