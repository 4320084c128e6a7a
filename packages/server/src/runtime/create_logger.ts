import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from '../core/config/keygate_config.js';
import { createLossyLogDestination } from './lossy_log_destination.js';

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

/** Where logs go by default. */
const STDOUT_FD = 1;

/**
 * The structured JSON logger every part of the server writes to: stdout by default, through
 * a destination that drops lines instead of failing (`createLossyLogDestination`), so a closed
 * pipe or a full disk never takes the server down; once lines get through again, a
 * `log.lines_dropped` warning says how many were lost.
 * @param destination - another file descriptor to write to that way, or a stream (tests).
 */
export function createLogger(
  level: LogLevel,
  destination: DestinationStream | number = STDOUT_FD,
): Logger {
  const logger: Logger = pino(
    { level, base: { service: 'keygate' }, redact: { paths: REDACTED_PATHS, remove: true } },
    typeof destination === 'number'
      ? createLossyLogDestination(destination, (dropped) =>
          logger.warn({ event: 'log.lines_dropped', dropped }, 'log lines were lost'),
        )
      : destination,
  );
  return logger;
}
