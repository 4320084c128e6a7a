import pg from 'pg';
import { DEFAULT_POSTGRES_TIMEOUT_MS, type PostgresOptions } from './postgres_options.js';
import { postgresSessionConfig } from './postgres_session_config.js';

/** The channel `0006_auth_data_notify`'s triggers notify on. */
const CHANNEL = 'keygate_auth_data';

/** First wait before connecting again after the listening session was lost. */
const FIRST_RETRY_MS = 100;

/** Longest wait between attempts to connect again. */
const LONGEST_RETRY_MS = 2000;

/** `Store.dataVersion` for PostgreSQL, and what the store does with it. */
export interface PostgresDataVersion {
  /**
   * The current token (synchronous, no I/O): see {@link openPostgresDataVersion}. The first
   * call starts listening.
   */
  read(): string;
  /** Moves the token on at once; call after each write through this process's store. */
  noteWrite(): void;
  /** Ends the listening session and stops connecting again; the token is no longer read. */
  close(): Promise<void>;
}

/** What {@link openPostgresDataVersion} takes besides the connection options. */
export interface PostgresDataVersionOptions {
  /** Clock in milliseconds for the one-second bucket (default `Date.now`; tests hold it still). */
  readonly now?: () => number;
}

/**
 * Change detection for the tables authentication caches read, on PostgreSQL (S-2, W-7): one
 * dedicated session (not from the pool, same settings) runs `LISTEN keygate_auth_data`, the
 * channel `0006_auth_data_notify`'s triggers notify whenever a transaction writing those tables
 * commits, in any process. The token it reads is:
 * - `<epoch>:<count>:<second>` while listening: `count` moves on with every notification and
 *   every {@link PostgresDataVersion.noteWrite}, `epoch` with every successful `LISTEN`
 *   (notifications sent while no session listened are lost, so a new session starts afresh),
 *   and `second` (the clock's current second) bounds how long a change can go unseen to about
 *   1 s even when a notification never arrives (a session that died silently);
 * - `unsynced:<n>`, different on every call, while the session is not listening (not yet
 *   connected, or lost and connecting again): callers then cache nothing.
 *
 * Nothing connects until the first `read()`, so commands that never authenticate open no
 * extra session. A lost session (server restart, terminated backend, cut connection) is
 * replaced after 100 ms, doubling up to 2 s between attempts, for as long as it takes; its
 * errors are swallowed (never thrown, never logged, so the URL's password cannot leak).
 * @param options - the store's connection options (URL and timeout).
 * @param settings - the clock.
 */
export function openPostgresDataVersion(
  options: PostgresOptions,
  settings: PostgresDataVersionOptions = {},
): PostgresDataVersion {
  const now = settings.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? DEFAULT_POSTGRES_TIMEOUT_MS;
  const config = postgresSessionConfig(options.url, timeoutMs, timeoutMs);
  let session: pg.Client | undefined;
  let listening = false;
  let started = false;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let retryMs = FIRST_RETRY_MS;
  let epoch = 0;
  let count = 0;
  let unsynced = 0;

  function lose(client: pg.Client): void {
    if (session !== client) return;
    session = undefined;
    listening = false;
    client.end().catch(() => {});
    if (closed) return;
    retry = setTimeout(listen, retryMs);
    // Only the store keeps the process alive, never a pending reconnection.
    retry.unref();
    retryMs = Math.min(retryMs * 2, LONGEST_RETRY_MS);
  }

  async function listen(): Promise<void> {
    retry = undefined;
    const client = new pg.Client(config);
    session = client;
    client.on('error', () => lose(client));
    client.on('end', () => lose(client));
    client.on('notification', (message) => {
      if (message.channel === CHANNEL) count += 1;
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch {
      lose(client);
      return;
    }
    if (session !== client) return;
    epoch += 1;
    listening = true;
    retryMs = FIRST_RETRY_MS;
  }

  return {
    read() {
      if (!started) {
        started = true;
        void listen();
      }
      if (!listening) {
        unsynced += 1;
        return `unsynced:${unsynced}`;
      }
      return `${epoch}:${count}:${Math.floor(now() / 1000)}`;
    },
    noteWrite() {
      count += 1;
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      const client = session;
      session = undefined;
      listening = false;
      await client?.end().catch(() => {});
    },
  };
}
