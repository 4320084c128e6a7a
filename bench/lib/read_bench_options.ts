import { parseArgs } from 'node:util';

/**
 * What can be measured. Each scenario brings its baseline: `wsse` and `bearer` are compared
 * with the bare Fastify route, `api_keys` with oidc-provider's `client_credentials` grant;
 * `refresh_token` has no baseline (its figure is reported alone).
 */
export const SCENARIOS = ['wsse', 'bearer', 'api_keys', 'refresh_token'] as const;

/** One of {@link SCENARIOS}. */
export type Scenario = (typeof SCENARIOS)[number];

/** Where keygate keeps its state: its SQLite file, or PostgreSQL + Redis (`modes/scale_over_processes.ts`). */
export type BenchStore = 'sqlite' | 'postgres';

/** Scenarios `--store postgres` measures. */
export const POSTGRES_SCENARIOS: readonly Scenario[] = ['wsse', 'api_keys'];

/** Benchmark settings, from flags, then `BENCH_*` environment variables, then defaults. */
export interface BenchOptions {
  /** Seconds per measured run. */
  readonly durationSeconds: number;
  /** Seconds of warm-up per target, before the measured runs. */
  readonly warmupSeconds: number;
  readonly connections: number;
  readonly pipelining: number;
  /** How many times each target is measured (A B, A B, …). */
  readonly rounds: number;
  /** Scenarios to run, in {@link SCENARIOS} order. */
  readonly scenarios: readonly Scenario[];
  /** Required wsse / bare ratio. */
  readonly target: number;
  /** Required bearer / bare ratio. */
  readonly bearerTarget: number;
  /** Required api_keys / oidc_client_credentials ratio. */
  readonly apiKeysTarget: number;
  /** Write V8 CPU profiles of both servers into the results folder (slows them down). */
  readonly cpuProf: boolean;
  readonly store: BenchStore;
  /** With `store` postgres: the process counts measured side by side, e.g. [1, 2]. */
  readonly processes: readonly number[];
  /**
   * Measure keygate protecting an existing API instead (`modes/protect_existing_api.ts`):
   * one API behind nginx without and with forward auth, and one Express route without and
   * with `@keygate/express`.
   */
  readonly protect: boolean;
  readonly help: boolean;
}

interface NumericOption {
  readonly flag: string;
  readonly env: string;
  readonly fallback: number;
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

const NUMERIC = {
  durationSeconds: {
    flag: 'duration',
    env: 'BENCH_DURATION',
    fallback: 10,
    min: 1,
    max: 60,
    integer: true,
  },
  warmupSeconds: {
    flag: 'warmup',
    env: 'BENCH_WARMUP',
    fallback: 3,
    min: 0,
    max: 30,
    integer: true,
  },
  connections: {
    flag: 'connections',
    env: 'BENCH_CONNECTIONS',
    fallback: 50,
    min: 1,
    max: 1000,
    integer: true,
  },
  pipelining: {
    flag: 'pipelining',
    env: 'BENCH_PIPELINING',
    fallback: 1,
    min: 1,
    max: 16,
    integer: true,
  },
  rounds: { flag: 'rounds', env: 'BENCH_ROUNDS', fallback: 3, min: 2, max: 9, integer: true },
  target: { flag: 'target', env: 'BENCH_TARGET', fallback: 0.6, min: 0, max: 10, integer: false },
  bearerTarget: {
    flag: 'bearer-target',
    env: 'BENCH_BEARER_TARGET',
    fallback: 0.8,
    min: 0,
    max: 10,
    integer: false,
  },
  apiKeysTarget: {
    flag: 'api-keys-target',
    env: 'BENCH_API_KEYS_TARGET',
    fallback: 2,
    min: 0,
    max: 100,
    integer: false,
  },
} satisfies Record<string, NumericOption>;

/** `--help` text. */
export const USAGE = `Usage: npm run bench -- [options]

Requests/s, on 127.0.0.1, of keygate's WSSE- and Bearer-protected GET /api/v1/me against a
bare Fastify route, and of keygate's api_keys and refresh_token grants against oidc-provider's
client_credentials grant.

  --scenario <list>   comma-separated: ${SCENARIOS.join(', ')} (env BENCH_SCENARIO,
                      default all); baselines (bare, oidc_client_credentials) come along
  --duration <s>      seconds per measured run (env BENCH_DURATION, default 10, max 60)
  --warmup <s>        warm-up seconds per target (env BENCH_WARMUP, default 3)
  --connections <n>   concurrent connections (env BENCH_CONNECTIONS, default 50)
  --pipelining <n>    requests in flight per connection (env BENCH_PIPELINING, default 1)
  --rounds <n>        measured runs per target, alternating (env BENCH_ROUNDS, default 3, min 2)
  --target <ratio>    required wsse/bare ratio (env BENCH_TARGET, default 0.6)
  --bearer-target <r> required bearer/bare ratio (env BENCH_BEARER_TARGET, default 0.8)
  --api-keys-target <r>
                      required api_keys/oidc_client_credentials ratio (env
                      BENCH_API_KEYS_TARGET, default 2)
  --cpu-prof          write V8 CPU profiles of every server to bench/results/ (slows them)
  --store <s>         sqlite (default) or postgres: keygate on a scratch PostgreSQL database
                      and Redis, scenarios wsse and api_keys only, no baselines (env
                      BENCH_STORE)
  --processes <list>  with --store postgres: keygate process counts to compare, e.g. 1,2
                      (env BENCH_PROCESSES, default 1,2, at most 4)
  --protect           keygate protecting an existing API instead: one API behind nginx
                      without and with forward auth (Bearer, WSSE), and an Express route
                      without and with @keygate/express (env BENCH_PROTECT=1; needs
                      /usr/sbin/nginx)
  --help              this text
`;

/**
 * Reads the options. Flags win over the environment.
 * @param argv - arguments after the script name.
 * @param env - the environment.
 * @throws Error naming the option when a value is not a number in its range, or a flag is
 *   unknown.
 */
export function readBenchOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      pipelining: { type: 'string' },
      rounds: { type: 'string' },
      target: { type: 'string' },
      'bearer-target': { type: 'string' },
      'api-keys-target': { type: 'string' },
      scenario: { type: 'string' },
      'cpu-prof': { type: 'boolean' },
      store: { type: 'string' },
      processes: { type: 'string' },
      protect: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  const numeric = (option: NumericOption): number => {
    const raw = (values as Record<string, string | boolean | undefined>)[option.flag];
    const text = typeof raw === 'string' ? raw : env[option.env];
    if (text === undefined || text === '') return option.fallback;
    const value = Number(text);
    const source = typeof raw === 'string' ? `--${option.flag}` : option.env;
    if (
      !Number.isFinite(value) ||
      (option.integer && !Number.isInteger(value)) ||
      value < option.min ||
      value > option.max
    ) {
      throw new Error(
        `${source} must be ${option.integer ? 'an integer' : 'a number'} from ${option.min} to ${option.max}`,
      );
    }
    return value;
  };
  const store = readStore(values.store ?? env.BENCH_STORE);
  const scenarioText = values.scenario ?? env.BENCH_SCENARIO;
  let scenarios = readScenarios(scenarioText);
  if (store === 'postgres') {
    const explicit = scenarioText !== undefined && !['', 'all'].includes(scenarioText.trim());
    const unsupported = scenarios.filter((scenario) => !POSTGRES_SCENARIOS.includes(scenario));
    if (explicit && unsupported.length > 0) {
      throw new Error(
        `--store postgres measures ${POSTGRES_SCENARIOS.join(', ')}, not ${unsupported.join(', ')}`,
      );
    }
    scenarios = scenarios.filter((scenario) => POSTGRES_SCENARIOS.includes(scenario));
  }
  return {
    durationSeconds: numeric(NUMERIC.durationSeconds),
    warmupSeconds: numeric(NUMERIC.warmupSeconds),
    connections: numeric(NUMERIC.connections),
    pipelining: numeric(NUMERIC.pipelining),
    rounds: numeric(NUMERIC.rounds),
    scenarios,
    target: numeric(NUMERIC.target),
    bearerTarget: numeric(NUMERIC.bearerTarget),
    apiKeysTarget: numeric(NUMERIC.apiKeysTarget),
    cpuProf: values['cpu-prof'] === true || env.BENCH_CPU_PROF === '1',
    store,
    processes: readProcesses(values.processes ?? env.BENCH_PROCESSES),
    protect: values.protect === true || env.BENCH_PROTECT === '1',
    help: values.help === true,
  };
}

function readScenarios(text: string | undefined): readonly Scenario[] {
  if (text === undefined || text.trim() === '' || text.trim() === 'all') return SCENARIOS;
  const wanted = new Set<string>();
  for (const name of text.split(',')) {
    const trimmed = name.trim();
    if (!(SCENARIOS as readonly string[]).includes(trimmed)) {
      throw new Error(
        `--scenario: unknown scenario "${trimmed}"; choose from ${SCENARIOS.join(', ')} or all`,
      );
    }
    wanted.add(trimmed);
  }
  return SCENARIOS.filter((scenario) => wanted.has(scenario));
}

function readStore(text: string | undefined): BenchStore {
  const value = text?.trim() || 'sqlite';
  if (value !== 'sqlite' && value !== 'postgres') {
    throw new Error(`--store: unknown store "${value}"; choose sqlite or postgres`);
  }
  return value;
}

function readProcesses(text: string | undefined): readonly number[] {
  if (text === undefined || text.trim() === '') return [1, 2];
  const counts = new Set<number>();
  for (const part of text.split(',')) {
    const count = Number(part.trim());
    if (!Number.isInteger(count) || count < 1 || count > 4) {
      throw new Error(`--processes: "${part.trim()}" is not a process count from 1 to 4`);
    }
    counts.add(count);
  }
  return [...counts].sort((a, b) => a - b);
}
