import pg from 'pg';
import { unixSeconds } from '../../core/clock.js';
import { DEFAULT_POSTGRES_TIMEOUT_MS, type PostgresOptions } from './postgres_options.js';
import { postgresSessionConfig } from './postgres_session_config.js';

/** The channel `0006_auth_data_notify`'s (and `0008_signing_keys_notify`'s) triggers notify on. */
const CHANNEL = 'keygate_auth_data';

/** First wait before connecting again after the listening session was lost. */
const FIRST_RETRY_MS = 100;

/** Longest wait between attempts to connect again. */
const LONGEST_RETRY_MS = 2000;

/**
 * How often the listening session runs a heartbeat statement to prove it is still alive. A
 * session that dies without a FIN or RST (a cut network, a frozen server) sends no error;
 * without this only TCP keepalive would notice, after hours, and notifications would be lost
 * all that time.
 */
export const POSTGRES_LISTENER_HEARTBEAT_MS = 5000;

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

/**
 * A change of the listening session's state worth one log line. `message` is a short
 * reason (a fixed text, or the driver's error code such as `57P01` or `ECONNRESET`), never the
 * URL or the password.
 */
export type PostgresListenerEvent =
  | { readonly type: 'lost'; readonly message: string }
  | { readonly type: 'listening' };

/** What {@link openPostgresDataVersion} takes besides the connection options. */
export interface PostgresDataVersionOptions {
  /**
   * Clock in milliseconds for the one-second bucket: default `performance.now`, monotonic, so
   * a wall-clock step back can never bring an old token back (tests hold it still).
   */
  readonly now?: () => number;
  /**
   * Told once when the listening session is lost (or its first attempt fails), and once when a
   * session listens again after that; the first successful `LISTEN` is not reported.
   */
  readonly onEvent?: (event: PostgresListenerEvent) => void;
}

/** A reason for {@link PostgresListenerEvent} that cannot carry the URL: fixed text plus a code. */
function reasonOf(what: string, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,16}$/.test(code) ? `${what} (${code})` : what;
}

/**
 * Change detection for the tables authentication caches read, on PostgreSQL (S-2, W-7): one
 * dedicated session (not from the pool, same settings) runs `LISTEN keygate_auth_data`, the
 * channel the triggers of `0006_auth_data_notify` and `0008_signing_keys_notify` notify whenever a transaction writing those tables
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
 * extra session. While listening, the session runs `LISTEN` again (a no-op) every
 * {@link POSTGRES_LISTENER_HEARTBEAT_MS} as a heartbeat (S-4): a failed heartbeat, or one that outlives the
 * session's `query_timeout` (timeout + 1 s), means the session died silently, so it is lost
 * within about 5 s + timeout + 1 s instead of after hours of TCP keepalive. A lost session
 * (server restart, terminated backend, cut connection, failed heartbeat) is replaced after
 * 100 ms, doubling up to 2 s between attempts, for as long as it takes; its errors are never
 * thrown and reach `onEvent` only as a fixed reason and error code, so the URL's password
 * cannot leak.
 * @param options - the store's connection options (URL and timeout).
 * @param settings - the clock and where to report losses and recoveries.
 */
export function openPostgresDataVersion(
  options: PostgresOptions,
  settings: PostgresDataVersionOptions = {},
): PostgresDataVersion {
  const now = settings.now ?? (() => performance.now());
  const onEvent = settings.onEvent ?? (() => {});
  const timeoutMs = options.timeoutMs ?? DEFAULT_POSTGRES_TIMEOUT_MS;
  const config = postgresSessionConfig(options.url, timeoutMs, timeoutMs);
  let session: pg.Client | undefined;
  let listening = false;
  let started = false;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  /** True from a reported loss until a session listens again. */
  let reportedLost = false;
  let retryMs = FIRST_RETRY_MS;
  let epoch = 0;
  let count = 0;
  let unsynced = 0;

  function report(event: PostgresListenerEvent): void {
    try {
      onEvent(event);
    } catch {
      // A throwing observer must not stop the listener from connecting again.
    }
  }

  function lose(client: pg.Client, reason: string): void {
    if (session !== client) return;
    session = undefined;
    listening = false;
    clearTimeout(heartbeat);
    client.end().catch(() => {});
    if (closed) return;
    if (!reportedLost) {
      reportedLost = true;
      report({ type: 'lost', message: reason });
    }
    retry = setTimeout(listen, retryMs);
    // Only the store keeps the process alive, never a pending reconnection.
    retry.unref();
    retryMs = Math.min(retryMs * 2, LONGEST_RETRY_MS);
  }

  /** Schedules the next heartbeat on `client`, one at a time, while it is the session. */
  function beat(client: pg.Client): void {
    heartbeat = setTimeout(() => {
      // `LISTEN` again rather than `select 1`: as trivial (a no-op on a channel already
      // listened to), and the session keeps showing `LISTEN keygate_auth_data` as its last
      // query in pg_stat_activity, so operators (and tests) can still tell which one it is.
      client.query(`LISTEN ${CHANNEL}`).then(
        () => {
          if (session === client) beat(client);
        },
        (error: unknown) => lose(client, reasonOf('heartbeat failed', error)),
      );
    }, POSTGRES_LISTENER_HEARTBEAT_MS);
    heartbeat.unref();
  }

  async function listen(): Promise<void> {
    retry = undefined;
    const client = new pg.Client(config);
    session = client;
    client.on('error', (error) => lose(client, reasonOf('connection error', error)));
    client.on('end', () => lose(client, 'connection ended'));
    client.on('notification', (message) => {
      if (message.channel === CHANNEL) count += 1;
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      lose(client, reasonOf('cannot listen', error));
      return;
    }
    if (session !== client) return;
    epoch += 1;
    listening = true;
    retryMs = FIRST_RETRY_MS;
    beat(client);
    if (reportedLost) {
      reportedLost = false;
      report({ type: 'listening' });
    }
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
      return `${epoch}:${count}:${unixSeconds(now())}`;
    },
    noteWrite() {
      count += 1;
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      clearTimeout(heartbeat);
      const client = session;
      session = undefined;
      listening = false;
      await client?.end().catch(() => {});
    },
  };
}
