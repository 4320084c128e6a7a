import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import type { Store } from '../../src/store/port.js';
import { openSqliteStore } from '../../src/store/sqlite/open_sqlite_store.js';

/** A migrated SQLite store in a temporary directory of its own. */
export interface ScratchSqliteStore extends Store {
  /** The database file; its directory holds nothing else keygate did not put there. */
  readonly file: string;
  /** Closes the store, then removes its directory. */
  close(): Promise<void>;
}

/** Scratch stores not closed yet; whatever a test file leaves open is closed after its last test. */
const openStores = new Set<ScratchSqliteStore>();

afterAll(async () => {
  for (const store of openStores) await store.close();
});

/**
 * Opens a SQLite store (`openSqliteStore`, migrated to the latest schema) on a file in a fresh
 * temporary directory; `close()` removes the directory after closing the store. A store the
 * test file does not close is closed, and its directory removed, after the file's last test.
 */
export async function createScratchSqliteStore(): Promise<ScratchSqliteStore> {
  const file = join(await mkdtemp(join(tmpdir(), 'keygate-scratch-')), 'keygate.sqlite');
  const removeDir = () => rm(dirname(file), { recursive: true, force: true });
  let store: Store;
  try {
    store = await openSqliteStore({ file });
  } catch (error) {
    await removeDir();
    throw error;
  }
  const scratch: ScratchSqliteStore = {
    ...store,
    file,
    async close() {
      openStores.delete(scratch);
      try {
        await store.close();
      } finally {
        await removeDir();
      }
    },
  };
  openStores.add(scratch);
  return scratch;
}
