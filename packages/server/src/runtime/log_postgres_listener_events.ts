import type { Logger } from 'pino';
import type { PostgresListenerEvent } from '../store/postgres/postgres_data_version.js';

/**
 * The log lines of the PostgreSQL change listener (X-3, S-4): a loss at warn
 * (`postgres.listener_lost`: requests still work, but the authentication caches are off until
 * it listens again), the recovery at info (`postgres.listener_listening`). The event's message
 * is a fixed reason and error code, never the URL or its password.
 * @param logger - the server's logger.
 * @returns an `onEvent` for `openPostgresStore`.
 */
export function logPostgresListenerEvents(logger: Logger): (event: PostgresListenerEvent) => void {
  return (event) => {
    if (event.type === 'lost') {
      logger.warn(
        { event: 'postgres.listener_lost', err: event.message },
        'PostgreSQL change listener lost: authentication caches are off until it listens again',
      );
    } else {
      logger.info({ event: 'postgres.listener_listening' }, 'PostgreSQL change listener is back');
    }
  };
}
