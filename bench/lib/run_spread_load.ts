import { type LoadedServer, type LoadRequest, type LoadRunResult, runLoad } from './run_load.js';

/** One load run spread over several servers. */
export interface SpreadLoadInput {
  /** The processes; the connections are shared out evenly among them. */
  readonly servers: readonly LoadedServer[];
  readonly request: LoadRequest;
  /** Connections in all, over every server. */
  readonly connections: number;
  readonly pipelining: number;
  readonly durationSeconds: number;
}

/**
 * `connections` shared out over `servers` as evenly as whole numbers allow (the first ones
 * get one more when it does not divide).
 * @throws RangeError when there are fewer connections than servers.
 */
export function shareConnections(connections: number, servers: number): number[] {
  if (connections < servers) {
    throw new RangeError(`${connections} connections cannot reach ${servers} processes`);
  }
  const base = Math.floor(connections / servers);
  return Array.from({ length: servers }, (_, i) => base + (i < connections % servers ? 1 : 0));
}

/**
 * Drives every server at once, one autocannon instance per server started together in this
 * process (autocannon talks to one host per instance), with the connections shared out
 * evenly, and merges the runs into one result: req/s, counts and status codes are summed,
 * server CPU is the processes' sum (so it can exceed 100%), latency percentiles are the
 * worst of the instances, and the CPU left to other work is the machine's busy time minus
 * this process and every server. With one server it is exactly `runLoad`.
 * @throws Error when a run fails or a server exits during it.
 */
export async function runSpreadLoad(input: SpreadLoadInput): Promise<LoadRunResult> {
  const shares = shareConnections(input.connections, input.servers.length);
  const runs = await Promise.all(
    input.servers.map((server, i) =>
      runLoad({
        server,
        request: input.request,
        connections: shares[i] as number,
        pipelining: input.pipelining,
        durationSeconds: input.durationSeconds,
      }),
    ),
  );
  const [first, ...rest] = runs;
  if (!first) throw new RangeError('no servers');
  if (rest.length === 0) return first;
  const sum = (pick: (run: LoadRunResult) => number) =>
    runs.reduce((total, run) => total + pick(run), 0);
  const nullable = (pick: (run: LoadRunResult) => number | null) =>
    runs.every((run) => pick(run) !== null) ? sum((run) => pick(run) as number) : null;
  const statusCodes: Record<string, number> = {};
  for (const run of runs) {
    for (const [code, count] of Object.entries(run.statusCodes)) {
      statusCodes[code] = (statusCodes[code] ?? 0) + count;
    }
  }
  const completed = sum((run) => run.completed);
  const serverCpuPercent = nullable((run) => run.serverCpuPercent);
  const serverMicros = nullable((run) =>
    run.serverCpuMicrosPerRequest === null ? null : run.serverCpuMicrosPerRequest * run.completed,
  );
  // Each instance counted the other servers as "other" work; they ran over the same interval
  // (started together, same duration), so take them out again, and average the instances.
  const others = runs.map((run) =>
    run.otherCpuPercent === null || run.serverCpuPercent === null || serverCpuPercent === null
      ? null
      : run.otherCpuPercent - (serverCpuPercent - run.serverCpuPercent),
  );
  return {
    requestsPerSecond: sum((run) => run.requestsPerSecond),
    durationSeconds: Math.max(...runs.map((run) => run.durationSeconds)),
    completed,
    ok2xx: sum((run) => run.ok2xx),
    non2xx: sum((run) => run.non2xx),
    errors: sum((run) => run.errors),
    timeouts: sum((run) => run.timeouts),
    statusCodes,
    latencyP50: Math.max(...runs.map((run) => run.latencyP50)),
    latencyP99: Math.max(...runs.map((run) => run.latencyP99)),
    requestsPrepared: sum((run) => run.requestsPrepared),
    bodyMismatches: sum((run) => run.bodyMismatches),
    // Every instance measured this whole process over the same interval.
    clientCpuPercent: sum((run) => run.clientCpuPercent) / runs.length,
    serverCpuPercent,
    serverCpuMicrosPerRequest:
      serverMicros === null || completed === 0 ? null : serverMicros / completed,
    otherCpuPercent: others.every((value) => value !== null)
      ? Math.max(0, (others as number[]).reduce((a, b) => a + b, 0) / others.length)
      : null,
    stealPercent: runs.every((run) => run.stealPercent !== null)
      ? sum((run) => run.stealPercent as number) / runs.length
      : null,
  };
}
