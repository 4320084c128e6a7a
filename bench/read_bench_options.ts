import { parseArgs } from 'node:util';

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
  /** Required keygate / bare ratio. */
  readonly target: number;
  /** Write V8 CPU profiles of both servers into the results folder (slows them down). */
  readonly cpuProf: boolean;
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
} satisfies Record<string, NumericOption>;

/** `--help` text. */
export const USAGE = `Usage: npm run bench -- [options]

Requests/s of a bare Fastify route vs. keygate's WSSE-protected GET /api/v1/me, on 127.0.0.1.

  --duration <s>      seconds per measured run (env BENCH_DURATION, default 10, max 60)
  --warmup <s>        warm-up seconds per target (env BENCH_WARMUP, default 3)
  --connections <n>   concurrent connections (env BENCH_CONNECTIONS, default 50)
  --pipelining <n>    requests in flight per connection (env BENCH_PIPELINING, default 1)
  --rounds <n>        measured runs per target, alternating (env BENCH_ROUNDS, default 3, min 2)
  --target <ratio>    required keygate/bare ratio (env BENCH_TARGET, default 0.6)
  --cpu-prof          write V8 CPU profiles of both servers to bench/results/ (slows them)
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
      'cpu-prof': { type: 'boolean' },
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
  return {
    durationSeconds: numeric(NUMERIC.durationSeconds),
    warmupSeconds: numeric(NUMERIC.warmupSeconds),
    connections: numeric(NUMERIC.connections),
    pipelining: numeric(NUMERIC.pipelining),
    rounds: numeric(NUMERIC.rounds),
    target: numeric(NUMERIC.target),
    cpuProf: values['cpu-prof'] === true || env.BENCH_CPU_PROF === '1',
    help: values.help === true,
  };
}
