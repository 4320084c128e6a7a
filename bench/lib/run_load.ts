import autocannon, { type AutocannonRequest, type AutocannonResult } from 'autocannon';
import { readMachineCpu } from './read_machine_cpu.js';

/** Load settings shared by every run of one benchmark, so both targets get the same load. */
export interface LoadSettings {
  readonly connections: number;
  readonly pipelining: number;
  /** Seconds. */
  readonly durationSeconds: number;
  /**
   * Requests per second over all connections (autocannon's `overallRate`), for latency at
   * a load the servers can carry; unset, each connection sends as fast as it is answered.
   */
  readonly overallRate?: number;
}

/**
 * What every request of a run is: method and path, plus a hook that fills in the parts that
 * must be fresh for each request (a WSSE header, a grant body, an unconsumed refresh token),
 * and a check of every 2xx body.
 */
export interface LoadRequest {
  readonly method: 'GET' | 'POST';
  /** Request path, e.g. `/api/v1/me`. */
  readonly path: string;
  /** Headers sent unchanged on every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Called once for every request written (autocannon's `setupRequest`): sets what must be
   * fresh, e.g. `headers['x-wsse']` or `body`.
   */
  prepare(request: AutocannonRequest): void;
  /**
   * Called for every 2xx response with its body, before the next request on that connection
   * is prepared; false counts a body mismatch (a correctness failure).
   */
  check(body: string): boolean;
}

/** What a run needs of the server it drives (a `ServerProcess` of `servers/`). */
export interface LoadedServer {
  /** Its name in messages. */
  readonly name: string;
  readonly url: string;
  /** CPU seconds it has used so far; null where that cannot be read. */
  cpuSeconds(): number | null;
  /** True once it has exited. */
  exited(): boolean;
  /** What it printed, for the error when it exits during a run. */
  output(): string;
}

/** One load run against one target. */
export interface LoadRunInput extends LoadSettings {
  readonly server: LoadedServer;
  readonly request: LoadRequest;
}

/** What one run measured. */
export interface LoadRunResult {
  /** Completed responses per second of wall time. */
  readonly requestsPerSecond: number;
  readonly durationSeconds: number;
  readonly completed: number;
  readonly ok2xx: number;
  readonly non2xx: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly timeouts: number;
  readonly statusCodes: Record<string, number>;
  /** Milliseconds. */
  readonly latencyP50: number;
  readonly latencyP99: number;
  /** Requests prepared (one per request written, answered or not). */
  readonly requestsPrepared: number;
  /** 2xx answers whose body failed the target's check. Must be zero. */
  readonly bodyMismatches: number;
  /** Share of one core the load generator (this process) used, in percent. */
  readonly clientCpuPercent: number;
  /** Share of one core the server child used, in percent; null off Linux. */
  readonly serverCpuPercent: number | null;
  /**
   * Server CPU time per completed request, in microseconds; null off Linux. Unlike req/s it
   * hardly depends on how much of the machine the server got, so it compares targets fairly
   * on a busy machine too.
   */
  readonly serverCpuMicrosPerRequest: number | null;
  /**
   * CPU the rest of the machine used meanwhile (other processes, other containers, kernel
   * work not charged to either side), in percent of one core; null off Linux. Above a few
   * tens of percent the run competed for the CPUs and its figures are disturbed.
   */
  readonly otherCpuPercent: number | null;
  /** CPU time the hypervisor took away, in percent of one core; null off Linux. */
  readonly stealPercent: number | null;
}

/** Hard cap on requests in one run, whatever the duration: about 50 000 per second allowed. */
const MAX_REQUESTS_PER_SECOND = 50_000;
/** A run that overruns its duration by this much is stopped. */
const OVERRUN_GRACE_MS = 20_000;

/**
 * Drives one server with autocannon from this process, preparing every request through
 * `input.request.prepare` (`setupRequest`) and checking every 2xx body (`onResponse`), and
 * measures CPU use of both sides.
 * The run is bounded in time (duration, plus a watchdog) and in count (`maxOverallRequests`).
 * @throws Error when autocannon fails or the server exits during the run.
 */
export async function runLoad(input: LoadRunInput): Promise<LoadRunResult> {
  let requestsPrepared = 0;
  let bodyMismatches = 0;
  const { request: plan } = input;
  const serverCpuBefore = input.server.cpuSeconds();
  const machineBefore = readMachineCpu();
  const clientCpuBefore = process.cpuUsage();
  const wallBefore = process.hrtime.bigint();

  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    const instance = autocannon(
      {
        url: input.server.url,
        connections: input.connections,
        pipelining: input.pipelining,
        duration: input.durationSeconds,
        ...(input.overallRate === undefined ? {} : { overallRate: input.overallRate }),
        timeout: 10,
        maxOverallRequests: Math.ceil(input.durationSeconds * MAX_REQUESTS_PER_SECOND),
        requests: [
          {
            method: plan.method,
            path: plan.path,
            headers: { ...plan.headers },
            setupRequest(request) {
              requestsPrepared++;
              plan.prepare(request);
              return request;
            },
            onResponse(status, body) {
              if (status >= 200 && status < 300 && !plan.check(body)) bodyMismatches++;
            },
          },
        ],
      },
      (error, aggregated) => {
        clearTimeout(watchdog);
        if (error) reject(error);
        else resolve(aggregated);
      },
    );
    const watchdog = setTimeout(
      () => {
        console.error(`bench: ${input.server.name} run overran its duration, stopping it`);
        instance.stop();
      },
      input.durationSeconds * 1000 + OVERRUN_GRACE_MS,
    );
  });

  const wallSeconds = Number(process.hrtime.bigint() - wallBefore) / 1e9;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const serverCpuAfter = input.server.cpuSeconds();
  const machineAfter = readMachineCpu();
  if (input.server.exited()) {
    throw new Error(
      `${input.server.name} exited during the run; output:\n${input.server.output()}`,
    );
  }

  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) {
    statusCodes[code] = count;
  }
  const completed = result.requests.total;
  const clientSeconds = (clientCpu.user + clientCpu.system) / 1e6;
  const serverSeconds =
    serverCpuBefore === null || serverCpuAfter === null ? null : serverCpuAfter - serverCpuBefore;
  const machine =
    machineBefore === null || machineAfter === null
      ? null
      : {
          busy: machineAfter.busySeconds - machineBefore.busySeconds,
          steal: machineAfter.stealSeconds - machineBefore.stealSeconds,
        };
  const percentOfCore = (seconds: number) => (seconds / wallSeconds) * 100;
  return {
    requestsPerSecond: completed / result.duration,
    durationSeconds: result.duration,
    completed,
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    requestsPrepared,
    bodyMismatches,
    clientCpuPercent: percentOfCore(clientSeconds),
    serverCpuPercent: serverSeconds === null ? null : percentOfCore(serverSeconds),
    serverCpuMicrosPerRequest:
      serverSeconds === null || completed === 0 ? null : (serverSeconds / completed) * 1e6,
    otherCpuPercent:
      machine === null || serverSeconds === null
        ? null
        : percentOfCore(Math.max(0, machine.busy - clientSeconds - serverSeconds)),
    stealPercent: machine === null ? null : percentOfCore(machine.steal),
  };
}
