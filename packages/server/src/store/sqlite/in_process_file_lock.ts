/**
 * A lock that every connection this process opens on one SQLite file takes while it uses the
 * connection (see `ImmediateSqliteDialect`), so a process holding several connections to one
 * file (the server and an in-process CLI command, tests) runs their statements and
 * transactions one after another, as a single connection would.
 *
 * Why it is needed: better-sqlite3 is synchronous, and a Kysely transaction spans `await`s.
 * While connection A sits inside `BEGIN IMMEDIATE … COMMIT` waiting for its next statement,
 * connection B in the same thread that tries to write blocks the thread in SQLite's busy
 * handler; A can never resume to commit, so B fails with SQLITE_BUSY after `busy_timeout`
 * (5 s) and the request answers 503. Other processes are unaffected (each has its own thread,
 * and SQLite's file lock and busy handler work as intended between them).
 */
export interface InProcessFileLock {
  /** Resolves once this caller holds the lock (first come, first served). */
  lock(): Promise<void>;
  /** Hands the lock to the next waiter, or frees it. */
  unlock(): void;
  /** Gives up this connection's share of the lock; call once, when the connection closes. */
  dispose(): void;
  /**
   * How many times any connection of this process released the file's lock. It moves after
   * every statement or transaction run through the lock, i.e. after every commit this process
   * makes on the file (`openSqliteNonceWriter` uses it to know when a cached
   * `PRAGMA data_version` may be stale).
   */
  releases(): number;
}

/** A FIFO mutex: `unlock` passes ownership straight to the next waiter. */
class Mutex {
  #locked = false;
  readonly #waiters: (() => void)[] = [];
  /** Unlocks so far. */
  releases = 0;

  lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  unlock(): void {
    this.releases += 1;
    const next = this.#waiters.shift();
    if (next) next();
    else this.#locked = false;
  }
}

/** One mutex per file, and how many open connections share it. */
const shared = new Map<string, { mutex: Mutex; users: number }>();

/**
 * Returns the lock for `file`, shared with every other open connection of this process on the
 * same file. Dropped from the registry when the last of them disposes of it.
 * @param file - the database file's canonical path (resolve symlinks first, `realpathSync`).
 */
export function openInProcessFileLock(file: string): InProcessFileLock {
  let entry = shared.get(file);
  if (entry === undefined) {
    entry = { mutex: new Mutex(), users: 0 };
    shared.set(file, entry);
  }
  entry.users += 1;
  const { mutex } = entry;
  let disposed = false;
  return {
    lock: () => mutex.lock(),
    unlock: () => mutex.unlock(),
    releases: () => mutex.releases,
    dispose() {
      if (disposed) return;
      disposed = true;
      const current = shared.get(file);
      if (current === undefined) return;
      current.users -= 1;
      if (current.users === 0) shared.delete(file);
    },
  };
}
