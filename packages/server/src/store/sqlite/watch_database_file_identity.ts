import { statSync } from 'node:fs';
import { StoreUnavailableError } from '../port.js';

/**
 * Records which file `path` names now (device and inode) and returns a check that throws
 * `StoreUnavailableError` once the path is gone or names another file. An open SQLite
 * connection keeps reading and writing a database file deleted or replaced under it (the
 * inode lives on until closed), so every query still succeeds while nothing it commits will
 * ever be found again; only comparing the path with the file opened shows it.
 * @param path - the database file, just opened.
 */
export function watchDatabaseFileIdentity(path: string): () => void {
  const opened = statSync(path);
  return () => {
    let now: ReturnType<typeof statSync>;
    try {
      now = statSync(path);
    } catch (error) {
      throw new StoreUnavailableError('the database file was deleted', { cause: error });
    }
    if (now.dev !== opened.dev || now.ino !== opened.ino) {
      throw new StoreUnavailableError('the database file was replaced by another file');
    }
  };
}
