import type pg from 'pg';

/**
 * The node-postgres settings of every keygate session, pooled or not, so they cannot drift
 * apart: give up connecting after `timeoutMs`; `statement_timeout = statementMs` and
 * `idle_in_transaction_session_timeout = 2 × statementMs` (server side) plus
 * `query_timeout = statementMs + 1 s` (client side, for a server that stopped answering
 * altogether); TCP keepalive on; `application_name` keygate (a `application_name` in the URL
 * wins). A dead or unreachable database thus fails a statement instead of hanging it (S-4).
 * @param url - the validated `postgres://` URL.
 * @param timeoutMs - connection timeout, in milliseconds.
 * @param statementMs - statement timeout, in milliseconds.
 */
export function postgresSessionConfig(
  url: string,
  timeoutMs: number,
  statementMs: number,
): pg.ClientConfig {
  return {
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    statement_timeout: statementMs,
    idle_in_transaction_session_timeout: 2 * statementMs,
    query_timeout: statementMs + 1000,
    keepAlive: true,
    application_name: 'keygate',
  };
}
