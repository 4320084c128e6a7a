import Database from 'better-sqlite3';

/**
 * Copies every committed WAL frame of `file` into the database and truncates the WAL to zero
 * bytes, through a connection of its own. Before filling a disk: the next commit then needs
 * new space, instead of perhaps reusing WAL blocks already allocated (which SQLite does once a
 * checkpoint has caught up), so a test of a full disk fails its first write every time.
 */
export function truncateSqliteWal(file: string): void {
  const db = new Database(file);
  try {
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (result?.busy !== 0) throw new Error(`could not truncate the WAL of ${file}`);
  } finally {
    db.close();
  }
}
