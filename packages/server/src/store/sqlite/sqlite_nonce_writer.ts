import type BetterSqlite3 from 'better-sqlite3';
import { checkUnixSeconds } from '../check_port_input.js';
import { StoreUnavailableError } from '../port.js';
import type { SqlErrorTranslator } from '../sql/sql_context.js';
import { type InProcessFileLock, openInProcessFileLock } from './in_process_file_lock.js';
import { openSqliteConnection } from './open_sqlite_database.js';

/**
 * The same upsert as `sql_nonces.ts`: inserts the key, or revives a record whose expiry has
 * passed; one affected row means this caller consumed the key (W-6).
 */
const CONSUME_SQL =
  'insert into "wsse_nonces" ("key", "expires_at") values (?, ?) on conflict ("key") do update set "expires_at" = "excluded"."expires_at" where "wsse_nonces"."expires_at" is not null and "wsse_nonces"."expires_at" <= ?';

/** How often committed WAL frames are copied back into the database file. */
const DEFAULT_CHECKPOINT_INTERVAL_MS = 1000;

/** The SQLite replay-store writer: see {@link openSqliteNonceWriter}. */
export interface SqliteNonceWriter {
  /** `NonceStore.consume`, group-committed. */
  consume(key: string, ttlSeconds: number, now: number): Promise<boolean>;
  /**
   * `PRAGMA data_version` of this writer's connection: it changes whenever another
   * connection (this process's Kysely connection, the CLI, another server) commits, and never
   * for this connection's own nonce commits. See `Store.dataVersion`. Read at most once per
   * event-loop turn, and again whenever a connection of this process has used the file since
   * (its in-process lock was released): so this process's own commits are seen by the next
   * call, and other processes' commits from the next turn on.
   */
  dataVersion(): number;
  /** Commits what is queued, stops the checkpoint timer, closes the connection. Idempotent. */
  close(): Promise<void>;
}

/** Options for {@link openSqliteNonceWriter}. */
export interface SqliteNonceWriterOptions {
  /** The database file (already migrated). */
  readonly file: string;
  /** Maps driver errors to the port's (`translateSqliteError`). */
  readonly translateError: SqlErrorTranslator;
  /** Milliseconds between passive WAL checkpoints; 0 turns the timer off (tests). */
  readonly checkpointIntervalMs?: number;
}

interface Pending {
  readonly key: string;
  readonly expiresAt: number | null;
  readonly now: number;
  readonly resolve: (consumed: boolean) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Opens a second connection on the SQLite file, dedicated to the replay store's hot write
 * (W-6) and to change detection for authentication caches:
 *
 * - Group commit: every `consume` queued during one turn of the event loop is written in one
 *   `BEGIN IMMEDIATE … COMMIT` (scheduled with `setImmediate`), with the cached prepared
 *   upsert, straight on better-sqlite3 rather than through Kysely. Each caller's result is
 *   the upsert's own affected-row count, so the same key twice in one batch is won only by
 *   the first; no promise resolves before the COMMIT has returned, so a 200 is never sent for
 *   a nonce that a SIGKILL could lose (S-5: in WAL mode the commit is in the WAL file, hence
 *   in the OS, when COMMIT returns). If anything in the batch fails, the transaction rolls
 *   back and every caller of the batch gets the (translated) error: fail closed, nothing
 *   half-applied.
 * - The connection takes the file's in-process lock around each batch, like Kysely's
 *   connection does around each statement or transaction, so it never runs inside, or
 *   blocks the thread against, a transaction the other connection holds across `await`s.
 * - Checkpoints off the request path: this connection's automatic checkpoint is off
 *   (`wal_autocheckpoint = 0`), and a timer runs `wal_checkpoint(PASSIVE)` every
 *   `checkpointIntervalMs`, so the WAL's fsyncs and page copies happen about once a second
 *   instead of inside a request's commit every thousand pages. PASSIVE never waits for
 *   readers or writers.
 */
export function openSqliteNonceWriter(options: SqliteNonceWriterOptions): SqliteNonceWriter {
  const { translateError } = options;
  const { sqlite, canonical } = openSqliteConnection(options.file);
  let lock: InProcessFileLock;
  let upsert: BetterSqlite3.Statement<[string, number | null, number]>;
  let begin: BetterSqlite3.Statement;
  let commit: BetterSqlite3.Statement;
  let rollback: BetterSqlite3.Statement;
  let version: BetterSqlite3.Statement;
  try {
    sqlite.pragma('wal_autocheckpoint = 0');
    upsert = sqlite.prepare(CONSUME_SQL);
    begin = sqlite.prepare('begin immediate');
    commit = sqlite.prepare('commit');
    rollback = sqlite.prepare('rollback');
    version = sqlite.prepare('pragma data_version').pluck();
    lock = openInProcessFileLock(canonical);
  } catch (error) {
    sqlite.close();
    throw error;
  }

  // The last data_version read, and the lock's release count when it was read; forgotten at
  // the end of the event-loop turn (a read costs several µs, and every request asks).
  let knownVersion: number | undefined;
  let knownAtRelease = -1;
  const forgetVersion = () => {
    knownVersion = undefined;
  };

  let queue: Pending[] = [];
  let scheduled = false;
  let inFlight: Promise<void> = Promise.resolve();
  let closed = false;

  const intervalMs = options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS;
  const checkpoints =
    intervalMs > 0
      ? setInterval(() => {
          try {
            sqlite.pragma('wal_checkpoint(PASSIVE)');
          } catch {
            // A busy or failed checkpoint is retried on the next tick; commits are unaffected.
          }
        }, intervalMs)
      : undefined;
  checkpoints?.unref();

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      const batch = queue;
      queue = [];
      inFlight = inFlight.then(() => writeBatch(batch));
    });
  }

  async function writeBatch(batch: readonly Pending[]): Promise<void> {
    if (batch.length === 0) return;
    await lock.lock();
    try {
      if (!sqlite.open) throw new StoreUnavailableError('store is closed');
      begin.run();
      const results = batch.map((p) => upsert.run(p.key, p.expiresAt, p.now).changes === 1);
      commit.run();
      batch.forEach((p, i) => {
        p.resolve(results[i] === true);
      });
    } catch (error) {
      if (sqlite.open && sqlite.inTransaction) {
        try {
          rollback.run();
        } catch {
          // Nothing more to undo: SQLite rolls back by itself when the connection closes.
        }
      }
      const translated = translateError(error);
      for (const p of batch) p.reject(translated);
    } finally {
      lock.unlock();
    }
  }

  return {
    consume(key, ttlSeconds, now) {
      return new Promise((resolve, reject) => {
        if (closed) throw new StoreUnavailableError('store is closed');
        checkUnixSeconds(ttlSeconds, 'ttlSeconds');
        checkUnixSeconds(now, 'now');
        queue.push({
          key,
          expiresAt: ttlSeconds < 0 ? null : now + ttlSeconds,
          now,
          resolve,
          reject,
        });
        schedule();
      });
    },
    dataVersion() {
      const released = lock.releases();
      if (knownVersion !== undefined && knownAtRelease === released) return knownVersion;
      if (knownVersion === undefined) setImmediate(forgetVersion);
      knownVersion = version.get() as number;
      knownAtRelease = released;
      return knownVersion;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (checkpoints) clearInterval(checkpoints);
      // Whatever was accepted before close is committed (or fails) as usual.
      const last = queue;
      queue = [];
      inFlight = inFlight.then(() => writeBatch(last));
      await inFlight;
      sqlite.close();
      lock.dispose();
    },
  };
}
