import { statSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * What `keygate serve` warns about its data directory: one warning when the directory can be
 * entered or listed by group or others. It holds the SQLite database (password hashes, sealed
 * secrets, token state) and the master key file, which keygate creates 0600 in a 0700
 * directory, but a directory made beforehand (or by an older keygate) may be wider. Like the
 * master key file's own check, nothing is changed: the operator decides. Empty when the
 * directory does not exist, is private, or on Windows (no POSIX modes).
 * @param dataDir - the configured data directory.
 */
export function dataDirWarnings(dataDir: string): string[] {
  if (process.platform === 'win32') return [];
  let mode: number;
  try {
    mode = statSync(dataDir).mode & 0o777;
  } catch {
    return [];
  }
  if ((mode & 0o077) === 0) return [];
  const path = resolve(dataDir);
  const shown = mode.toString(8).padStart(4, '0');
  return [
    `permissions ${shown} for the data directory ${path} are too open: it holds the database and the master key and should not be accessible by group or others; run chmod 700 ${path}`,
  ];
}
