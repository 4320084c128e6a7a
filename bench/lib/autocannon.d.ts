/**
 * The part of autocannon 8's programmatic API the benchmark uses. autocannon ships no types and
 * none are installed, so this declares only what `bench/` calls, as documented in its README
 * ("API" section) and implemented in `lib/run.js` and `lib/aggregateResult.js`.
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  /** A request as `setupRequest` receives it (a fresh copy for every request). */
  export interface AutocannonRequest {
    method?: string;
    path?: string;
    headers: Record<string, string>;
    body?: string | Buffer;
  }

  /** One entry of `options.requests`. */
  export interface AutocannonRequestSpec {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    /** Called before each request is written; returns the request to send. */
    setupRequest?: (
      request: AutocannonRequest,
      context: Record<string, unknown>,
    ) => AutocannonRequest;
    /**
     * Called with every response's status and body, before the next request on the same
     * connection is set up.
     */
    onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
  }

  /** Options for a run (subset). */
  export interface AutocannonOptions {
    url: string;
    connections?: number;
    pipelining?: number;
    /** Seconds. */
    duration?: number;
    /** Requests per second over all connections. */
    overallRate?: number;
    /** Seconds before a request counts as timed out. */
    timeout?: number;
    /** Upper bound on requests over the whole run (stops early when reached). */
    maxOverallRequests?: number;
    requests?: AutocannonRequestSpec[];
    headers?: Record<string, string>;
  }

  /** A histogram summary (`latency` in ms, `requests` per second). */
  export interface AutocannonHistogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
    p99_9: number;
    /** Only on `requests`: requests written. */
    sent?: number;
  }

  /** The aggregated result of a run. */
  export interface AutocannonResult {
    url: string;
    connections: number;
    pipelining: number;
    /** Seconds, rounded to 0.01. */
    duration: number;
    errors: number;
    timeouts: number;
    mismatches: number;
    non2xx: number;
    resets: number;
    '1xx': number;
    '2xx': number;
    '3xx': number;
    '4xx': number;
    '5xx': number;
    statusCodeStats: Record<string, { count: number }>;
    latency: AutocannonHistogram;
    requests: AutocannonHistogram;
    throughput: AutocannonHistogram;
  }

  /** What a run returns when given a callback: `stop()` ends it early. */
  export interface AutocannonInstance extends EventEmitter {
    stop(): void;
  }

  /** Starts a run; the callback gets the aggregated result. */
  export default function autocannon(
    options: AutocannonOptions,
    callback: (error: Error | null, result: AutocannonResult) => void,
  ): AutocannonInstance;
}
