import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/runtime/create_logger.js';
import { logPostgresListenerEvents } from '../../src/runtime/log_postgres_listener_events.js';

/** The server's logger, writing its JSON lines into an array. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('info', destination), lines };
}

/** What `keygate serve` logs when the PostgreSQL change listener is lost and back (X-3, S-4). */
describe('logPostgresListenerEvents', () => {
  it('logs a loss at warn with its reason, and the recovery at info', () => {
    const { logger, lines } = capturingLogger();
    const onEvent = logPostgresListenerEvents(logger);
    onEvent({ type: 'lost', message: 'heartbeat failed' });
    onEvent({ type: 'listening' });
    expect(lines).toMatchObject([
      { level: 40, event: 'postgres.listener_lost', err: 'heartbeat failed' },
      { level: 30, event: 'postgres.listener_listening' },
    ]);
  });
});
