import {
  Kysely,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
} from 'kysely';
import pg from 'pg';
import type { Database } from '../sql/database.js';
import { answerForNulText, hasNulText } from './nul_free_parameters.js';
import {
  DEFAULT_POSTGRES_POOL_SIZE,
  DEFAULT_POSTGRES_TIMEOUT_MS,
  type PostgresOptions,
} from './postgres_options.js';
import { postgresSessionConfig } from './postgres_session_config.js';

/** Idle connections above zero are closed after this long. */
const IDLE_TIMEOUT_MS = 30_000;

/**
 * True when PostgreSQL itself reported the error (an ErrorResponse with a SQLSTATE): the
 * session is still usable. Socket errors also carry a `code` (`EPIPE`), so check the class.
 */
function isServerError(error: unknown): boolean {
  return error instanceof pg.DatabaseError;
}

/**
 * Hands Kysely the pool's clients, but gives a client back with an error (so pg-pool closes it
 * instead of reusing it) once one of its queries failed without a SQLSTATE: a socket error, a
 * cut connection or `query_timeout`. After a client-side timeout the session may still be busy
 * with the old statement, and Kysely's driver never tells the pool a client is broken.
 * Statements binding a string with U+0000 are answered here (`nul_free_parameters.ts`).
 */
function discardingBrokenClients(pool: pg.Pool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      let broken: Error | undefined;
      return {
        async query<R>(sql: string, parameters: ReadonlyArray<unknown>) {
          if (hasNulText(parameters)) return answerForNulText(sql) as PostgresQueryResult<R>;
          try {
            return (await client.query(sql, [...parameters])) as unknown as PostgresQueryResult<R>;
          } catch (error) {
            if (!isServerError(error))
              broken = error instanceof Error ? error : new Error('query failed');
            throw error;
          }
        },
        release() {
          client.release(broken);
        },
      } as PostgresPoolClient;
    },
    end: () => pool.end(),
  };
}

/**
 * Opens a connection pool to PostgreSQL and Kysely on it. The pool:
 * - opens at most `poolSize` connections (default 10), lazily, closing idle ones after 30 s;
 * - gives up connecting after `timeoutMs` (default 5 s), and each session runs with
 *   `statement_timeout = timeoutMs` and `idle_in_transaction_session_timeout = 2 × timeoutMs`
 *   (server side) plus `query_timeout = timeoutMs + 1 s` (client side, for a server that stopped
 *   answering altogether), with TCP keepalive on (see `postgresSessionConfig`), so a dead or
 *   unreachable database fails a request (the SQL layer turns it into `StoreUnavailableError`)
 *   instead of hanging it (S-4);
 * - swallows `error` events of idle and checked-out clients (a restarted server, a cut
 *   connection): left unhandled they would crash the process; the broken client is dropped and
 *   the next query opens a new connection, so service resumes by itself when the database
 *   returns.
 * Nothing connects until the first query. The schema is not touched; run migrations next.
 * @param options - URL, pool size and timeout.
 * @param statementTimeoutMs - a longer statement timeout than `timeoutMs` for work that waits on
 *   purpose (the migrator's advisory lock); connecting still gives up after `timeoutMs`.
 * @returns Kysely on the pool (`destroy()` ends the pool).
 * @throws TypeError for a URL that is not `postgres:`/`postgresql:` or out-of-range numbers; the
 *   message never contains the URL.
 */
export function openPostgresDatabase(
  options: PostgresOptions,
  statementTimeoutMs?: number,
): Kysely<Database> {
  const poolSize = options.poolSize ?? DEFAULT_POSTGRES_POOL_SIZE;
  const timeoutMs = options.timeoutMs ?? DEFAULT_POSTGRES_TIMEOUT_MS;
  const statementMs = statementTimeoutMs ?? timeoutMs;
  if (!Number.isSafeInteger(poolSize) || poolSize < 1 || poolSize > 1000) {
    throw new TypeError('poolSize must be a whole number from 1 to 1000');
  }
  for (const ms of [timeoutMs, statementMs]) {
    if (!Number.isSafeInteger(ms) || ms < 100 || ms > 3_600_000) {
      throw new TypeError('timeouts must be whole numbers of milliseconds from 100 to 3600000');
    }
  }
  if (
    !URL.canParse(options.url) ||
    !['postgres:', 'postgresql:'].includes(new URL(options.url).protocol)
  ) {
    throw new TypeError('url must be a postgres:// or postgresql:// URL');
  }
  const pool = new pg.Pool({
    ...postgresSessionConfig(options.url, timeoutMs, statementMs),
    max: poolSize,
    idleTimeoutMillis: IDLE_TIMEOUT_MS,
  });
  // Without a listener, an idle client's error (server restart, cut connection) is an
  // uncaught exception. pg-pool already drops that client; nothing else to do.
  pool.on('error', () => {});
  // A checked-out client has no pool listener; its error reaches the query that runs on it
  // next (or was running), so this one only prevents the crash.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool: discardingBrokenClients(pool) }),
  });
}
