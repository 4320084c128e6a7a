import BetterSqlite3 from 'better-sqlite3';

/** What keygate's store says about refresh token rotation after the runs. */
export interface RefreshTokenRecords {
  /** Refresh tokens marked consumed. */
  readonly consumed: number;
  /** Consumed tokens without a successor (must be 0: a rotation stores both at once). */
  readonly consumedWithoutSuccessor: number;
  /** Distinct successors of consumed tokens (must equal `consumed`: one successor each). */
  readonly distinctSuccessors: number;
  /** Token families revoked (a token presented twice revokes its family). */
  readonly revokedFamilies: number;
}

/**
 * Reads keygate's `refresh_tokens` and `token_families` tables, read-only, while the server
 * runs (WAL mode lets a reader in beside the writer), so the benchmark can check that every
 * refresh it counted as a success consumed exactly one token and stored exactly one
 * successor, and that no token was presented twice.
 * @param sqliteFile - keygate's database file.
 */
export function readRefreshTokenRecords(sqliteFile: string): RefreshTokenRecords {
  const db = new BetterSqlite3(sqliteFile, { readonly: true, fileMustExist: true });
  try {
    const tokens = db
      .prepare(
        `select count(*) as consumed,
                sum(case when successor_jti is null then 1 else 0 end) as withoutSuccessor,
                count(distinct successor_jti) as distinctSuccessors
           from refresh_tokens where consumed_at is not null`,
      )
      .get() as { consumed: number; withoutSuccessor: number | null; distinctSuccessors: number };
    const families = db
      .prepare('select count(*) as n from token_families where revoked_at is not null')
      .get() as { n: number };
    return {
      consumed: tokens.consumed,
      consumedWithoutSuccessor: tokens.withoutSuccessor ?? 0,
      distinctSuccessors: tokens.distinctSuccessors,
      revokedFamilies: families.n,
    };
  } finally {
    db.close();
  }
}
