import type { Scenario } from './read_bench_options.js';
import type { RedisNamespace } from './redis_namespace.js';
import type { DatabaseActivity, ScratchPostgresDatabase } from './scratch_postgres_database.js';

/** Requests of the store-work probe, one at a time. */
export const PROBE_REQUESTS = 200;
/**
 * PostgreSQL 15 backends publish their statistics at most once a second while busy, and an
 * idle backend's last ones after 10 s: wait this long before reading the counters.
 */
export const STATS_SETTLE_MS = 11_000;

/** What one request of a scenario costs the stores, measured on a quiet system. */
export interface ProbeResult {
  readonly scenario: Scenario;
  readonly requests: number;
  readonly transactionsPerRequest: number;
  readonly rowsInsertedPerRequest: number;
  readonly rowsUpdatedPerRequest: number;
  readonly rowsReadPerRequest: number;
  /** Upper bound: the Redis server is shared. */
  readonly redisCommandsPerRequest: number;
  /** The same by command name (those above 0.01 per request). */
  readonly redisCommandsByName: Record<string, number>;
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends {@link PROBE_REQUESTS} requests one at a time to one process and reads what
 * PostgreSQL and Redis counted meanwhile, after letting PostgreSQL publish its statistics.
 * @param send - one request; resolves with its status.
 * @param before - the database's counters, read after they settled.
 * @returns the probe and the counters after it (settled), for the next probe.
 * @throws Error when a request is not answered 2xx.
 */
export async function probeStoreWork(
  scenario: Scenario,
  send: () => Promise<number>,
  database: ScratchPostgresDatabase,
  redis: RedisNamespace,
  before: DatabaseActivity,
): Promise<{ probe: ProbeResult; after: DatabaseActivity }> {
  const commandsBefore = await redis.commandCounts();
  for (let i = 0; i < PROBE_REQUESTS; i++) {
    const status = await send();
    if (status < 200 || status > 299) {
      throw new Error(`${scenario} probe request ${i + 1} answered ${status}`);
    }
  }
  const commandsAfter = await redis.commandCounts();
  const redisCommandsByName: Record<string, number> = {};
  let commands = 0;
  for (const [name, calls] of Object.entries(commandsAfter)) {
    // Minus the INFO command that read the counters before.
    const delta = calls - (commandsBefore[name] ?? 0) - (name === 'info' ? 1 : 0);
    commands += delta;
    if (delta / PROBE_REQUESTS >= 0.01) redisCommandsByName[name] = delta / PROBE_REQUESTS;
  }
  await sleep(STATS_SETTLE_MS);
  const after = await database.activity();
  const per = (a: number, b: number) => (a - b) / PROBE_REQUESTS;
  return {
    probe: {
      scenario,
      requests: PROBE_REQUESTS,
      transactionsPerRequest: per(after.transactions, before.transactions),
      rowsInsertedPerRequest: per(after.rowsInserted, before.rowsInserted),
      rowsUpdatedPerRequest: per(after.rowsUpdated, before.rowsUpdated),
      rowsReadPerRequest: per(after.rowsRead, before.rowsRead),
      redisCommandsPerRequest: commands / PROBE_REQUESTS,
      redisCommandsByName,
    },
    after,
  };
}
