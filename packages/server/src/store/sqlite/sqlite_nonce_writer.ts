import type BetterSqlite3 from 'better-sqlite3';
import type { CompiledQuery, QueryResult } from 'kysely';
import { StoreUnavailableError } from '../port.js';
import type { QueryRunner } from '../sql/prepared_query.js';
import { type InProcessFileLock, openInProcessFileLock } from './in_process_file_lock.js';
import { openSqliteConnection } from './open_sqlite_database.js';

/** How often committed WAL frames are copied back into the database file. */
const DEFAULT_CHECKPOINT_INTERVAL_MS = 1000;

/** The SQLite replay-store writer: see {@link openSqliteNonceWriter}. */
export interface SqliteNonceWriter extends QueryRunner {
  /**
   * Queues a compiled statement that returns no rows (the shared nonce upsert of
   * `sql_nonces.ts`, run through `PreparedQuery.execute`) for the next group commit. Resolves
   * with the statement's own affected-row count as `numAffectedRows`, and no rows, only once
   * the batch's COMMIT has returned; rejects with the driver's error (the caller translates
   * it) if anything in the batch fails, in which case nothing of the batch was applied.
   */
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
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
  /** Milliseconds between passive WAL checkpoints; 0 turns the timer off (tests). */
  readonly checkpointIntervalMs?: number;
}

interface Pending {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  readonly resolve: (result: QueryResult<never>) => void;
  readonly reject: (error: unknown) => void;
}

/** The results a batch hands out: shared and frozen, since nearly every call gets one of them. */
const NO_ROWS: never[] = Object.freeze([]) as unknown as never[];
const ONE_ROW_CHANGED: QueryResult<never> = Object.freeze({ rows: NO_ROWS, numAffectedRows: 1n });
const NO_ROW_CHANGED: QueryResult<never> = Object.freeze({ rows: NO_ROWS, numAffectedRows: 0n });

/** The result for `changes` affected rows. */
function affected(changes: number): QueryResult<never> {
  if (changes === 1) return ONE_ROW_CHANGED;
  if (changes === 0) return NO_ROW_CHANGED;
  return { rows: NO_ROWS, numAffectedRows: BigInt(changes) };
}

/**
 * Opens a second connection on the SQLite file, dedicated to the replay store's hot write
 * (W-6) and to change detection for authentication caches:
 *
 * - A query runner for `PreparedQuery.execute`, so the nonce upsert it runs is the one
 *   compiled in `sql_nonces.ts`, never a copy. Group commit: every query queued during one
 *   turn of the event loop is run in one `BEGIN IMMEDIATE … COMMIT` (scheduled with
 *   `setImmediate`), straight on better-sqlite3 with one prepared statement per distinct SQL
 *   text. Each caller's result is its statement's own affected-row count, so the same key
 *   twice in one batch is won only by the first; no promise resolves before the COMMIT has
 *   returned, so a 200 is never sent for a nonce that a SIGKILL could lose (S-5: in WAL mode
 *   the commit is in the WAL file, hence in the OS, when COMMIT returns). If anything in the
 *   batch fails, the transaction rolls back and every caller of the batch gets the error:
 *   fail closed, nothing half-applied.
 * - The connection takes the file's in-process lock around each batch, like Kysely's
 *   connection does around each statement or transaction, so it never runs inside, or
 *   blocks the thread against, a transaction the other connection holds across `await`s.
 * - Checkpoints batched, not per commit: this connection's automatic checkpoint is off
 *   (`wal_autocheckpoint = 0`), and a timer runs `wal_checkpoint(PASSIVE)` every
 *   `checkpointIntervalMs`, so the WAL's fsyncs and page copies happen about once a second
 *   instead of inside some request's commit every thousand pages. The checkpoint still runs
 *   synchronously on the event-loop thread and blocks it while it runs (measured 50–60 ms
 *   at about 10k nonces/s); it is kept out of individual commits, not off the request path.
 *   PASSIVE never waits for readers or writers.
 */
export function openSqliteNonceWriter(options: SqliteNonceWriterOptions): SqliteNonceWriter {
  const { sqlite, canonical } = openSqliteConnection(options.file);
  let lock: InProcessFileLock;
  let begin: BetterSqlite3.Statement;
  let commit: BetterSqlite3.Statement;
  let rollback: BetterSqlite3.Statement;
  let version: BetterSqlite3.Statement;
  try {
    sqlite.pragma('wal_autocheckpoint = 0');
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

  // One prepared statement per distinct SQL text; only the nonce upsert comes here, so the
  // map holds one or two entries and never needs evicting.
  const statements = new Map<string, BetterSqlite3.Statement>();
  function statementFor(sql: string): BetterSqlite3.Statement {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = sqlite.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  }

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
      const changes: number[] = new Array(batch.length);
      // Every item of a batch normally carries the same SQL string object: compare it with
      // the previous item's before looking it up.
      let lastSql: string | undefined;
      let statement: BetterSqlite3.Statement | undefined;
      for (let i = 0; i < batch.length; i += 1) {
        const p = batch[i] as Pending;
        if (statement === undefined || p.sql !== lastSql) {
          statement = statementFor(p.sql);
          lastSql = p.sql;
        }
        changes[i] = statement.run(...p.parameters).changes;
      }
      commit.run();
      // Only now, with the batch committed, does any caller learn its result.
      for (let i = 0; i < batch.length; i += 1) {
        (batch[i] as Pending).resolve(affected(changes[i] as number));
      }
    } catch (error) {
      if (sqlite.open && sqlite.inTransaction) {
        try {
          rollback.run();
        } catch {
          // Nothing more to undo: SQLite rolls back by itself when the connection closes.
        }
      }
      for (const p of batch) p.reject(error);
    } finally {
      lock.unlock();
    }
  }

  return {
    executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>> {
      return new Promise<QueryResult<never>>((resolve, reject) => {
        if (closed) throw new StoreUnavailableError('store is closed');
        queue.push({ sql: query.sql, parameters: query.parameters, resolve, reject });
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
