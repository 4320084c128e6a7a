import BetterSqlite3 from 'better-sqlite3';

/**
 * Counts the rows of keygate's replay store (`wsse_nonces`), read-only, while the server runs
 * (WAL mode lets a reader in beside the writer). Every 2xx keygate answered must have
 * consumed one nonce, so after the runs this is at least the number of 2xx answers: a lower
 * count would mean requests were accepted without replay protection.
 * @param sqliteFile - keygate's database file.
 */
export function countNonceRecords(sqliteFile: string): number {
  const db = new BetterSqlite3(sqliteFile, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('select count(*) as n from wsse_nonces').get() as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}
