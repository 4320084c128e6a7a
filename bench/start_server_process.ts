import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** `--import` specifiers that let a child run TypeScript and exit with the benchmark. */
export const CHILD_PRELOADS: readonly string[] = [
  '--import',
  import.meta.resolve('tsx'),
  '--import',
  new URL('./exit_with_parent.ts', import.meta.url).href,
];

/** How to start one server child. */
export interface ServerProcessOptions {
  /** Short name for messages (`bare`, `keygate`). */
  readonly name: string;
  /** Arguments after the node executable (flags, script, script arguments). */
  readonly args: readonly string[];
  /** Complete environment of the child. */
  readonly env: NodeJS.ProcessEnv;
  /** Matches the line the server writes to stderr once it listens; group 1 is its URL. */
  readonly listening: RegExp;
  /** Working directory; default the current one. */
  readonly cwd?: string;
  /** How long to wait for the listening line. Default 30 s. */
  readonly timeoutMs?: number;
}

/** A server child that is listening. */
export interface ServerProcess {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  /** What the child wrote to stdout and stderr so far (bounded), for error messages. */
  output(): string;
  /** True once the child has exited. */
  exited(): boolean;
  /**
   * CPU time (user + system) the child has used so far, in seconds, from `/proc/<pid>/stat`;
   * null where that file does not exist (not Linux).
   */
  cpuSeconds(): number | null;
  /** SIGTERM, then SIGKILL after `graceMs` (default 5 s); resolves when the child has exited. */
  stop(graceMs?: number): Promise<void>;
}

const MAX_OUTPUT_CHARS = 64 * 1024;
/** Kernel clock ticks per second for `/proc/<pid>/stat` times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Starts `node <args>` in its own process group with stdin held open (see
 * `exit_with_parent.ts`), and resolves once it prints its listening line on stderr.
 * @throws Error with the child's output when it exits or stays silent before listening.
 */
export function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...options.args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-MAX_OUTPUT_CHARS);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signalGroup(child, 'SIGKILL');
      reject(new Error(`${options.name} did not start in time; output:\n${output}`));
    }, options.timeoutMs ?? 30_000);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      reject(
        new Error(
          `${options.name} exited (${code ?? signal}) before listening; output:\n${output}`,
        ),
      );
    };
    child.once('exit', onExit);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.stderr?.on('data', () => {
      const match = options.listening.exec(output);
      if (!match?.[1] || child.pid === undefined) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      const pid = child.pid;
      resolve({
        name: options.name,
        url: match[1],
        pid,
        output: () => output,
        exited: () => child.exitCode !== null || child.signalCode !== null,
        cpuSeconds: () => readCpuSeconds(pid),
        async stop(graceMs = 5_000) {
          if (child.exitCode !== null || child.signalCode !== null) return;
          signalGroup(child, 'SIGTERM');
          const killer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
          await exit;
          clearTimeout(killer);
          child.stdin?.destroy();
        },
      });
    });
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

function readCpuSeconds(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is parenthesised and may contain spaces: count after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return (utime + stime) / CLOCK_TICKS_PER_SECOND;
}
