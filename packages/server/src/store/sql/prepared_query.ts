import type { Compilable, CompiledQuery, QueryResult } from 'kysely';

/**
 * Marks a value slot in a query built once and run many times; see {@link prepareQuery}.
 * Kysely passes every value as a bound parameter, so the marker string ends up in the
 * compiled query's parameter list, where `prepareQuery` finds it.
 */
const MARKER = '\u0000keygate-param:';

/**
 * A named placeholder for {@link prepareQuery}, typed as the value it stands for so the
 * query builder type-checks the query as usual.
 * @param name - the name its value is given under at execution.
 */
export function param<T>(name: string): T {
  return `${MARKER}${name}` as T;
}

/** Whatever runs compiled queries: a `Kysely` instance or a `Transaction`. */
export interface QueryRunner {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

/** A query compiled once; `execute` binds new values and runs it. */
export interface PreparedQuery<R, N extends string> {
  /** The SQL text, for tests and debugging. */
  readonly sql: string;
  /**
   * Runs the query with `values` bound to its placeholders, on `runner` when given (a
   * transaction the query must join), else on the instance it was prepared with.
   */
  execute(values: Readonly<Record<N, unknown>>, runner?: QueryRunner): Promise<QueryResult<R>>;
}

/**
 * Compiles `query` once and returns a runner that only binds parameters, skipping Kysely's
 * per-call building and compiling (tens of microseconds) on hot paths. Placeholders made with
 * {@link param} are replaced by the named values; every other parameter keeps its compiled
 * value. The SQL is whatever the dialect compiled, so this stays dialect-neutral.
 * @param db - where to run it by default (the root instance); to run it inside a transaction,
 *   pass the transaction to `execute`.
 * @param names - every placeholder name used in `query`.
 * @param query - the query, with {@link param} placeholders where values vary.
 * @throws Error when a name is missing from the query or the query uses an unlisted one,
 *   so a mismatch fails at start, not at the first request.
 */
export function prepareQuery<R, N extends string>(
  db: QueryRunner,
  names: readonly N[],
  query: Compilable<R>,
): PreparedQuery<R, N> {
  const compiled = query.compile();
  const slots = compiled.parameters.map((value) =>
    typeof value === 'string' && value.startsWith(MARKER)
      ? (value.slice(MARKER.length) as N)
      : undefined,
  );
  for (const slot of slots) {
    if (slot !== undefined && !names.includes(slot)) {
      throw new Error(`prepared query uses unlisted placeholder ${slot}`);
    }
  }
  for (const name of names) {
    if (!slots.includes(name)) throw new Error(`prepared query lacks placeholder ${name}`);
  }

  return {
    sql: compiled.sql,
    execute(values, runner = db) {
      const parameters = compiled.parameters.map((value, i) => {
        const slot = slots[i];
        return slot === undefined ? value : values[slot];
      });
      const bound: CompiledQuery<R> = { ...compiled, parameters };
      return runner.executeQuery(bound);
    },
  };
}
