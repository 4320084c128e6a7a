import { type ChildProcess, spawn } from 'node:child_process';
import { processCpuSeconds } from '../lib/read_service_cpu.js';
import { hideFirstStartBanner } from './hide_first_start_banner.js';

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
  /**
   * What the child wrote to stdout and stderr so far (bounded), for error messages, without
   * keygate's first-start banner (it shows the admin password).
   */
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
  // Whole lines, banner already hidden, so that cutting the front off can never leave part
  // of the password line behind; then the unfinished last line.
  let lines = '';
  let unfinished = '';
  const append = (chunk: Buffer) => {
    const text = unfinished + chunk.toString();
    const end = text.lastIndexOf('\n') + 1;
    unfinished = text.slice(end).slice(-MAX_OUTPUT_CHARS);
    lines = (lines + hideFirstStartBanner(text.slice(0, end))).slice(-MAX_OUTPUT_CHARS);
  };
  const output = () => hideFirstStartBanner(lines + unfinished);
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signalGroup(child, 'SIGKILL');
      reject(new Error(`${options.name} did not start in time; output:\n${output()}`));
    }, options.timeoutMs ?? 30_000);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      reject(
        new Error(
          `${options.name} exited (${code ?? signal}) before listening; output:\n${output()}`,
        ),
      );
    };
    child.once('exit', onExit);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.stderr?.on('data', () => {
      const match = options.listening.exec(lines);
      if (!match?.[1] || child.pid === undefined) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      const pid = child.pid;
      resolve({
        name: options.name,
        url: match[1],
        pid,
        output,
        exited: () => child.exitCode !== null || child.signalCode !== null,
        cpuSeconds: () => processCpuSeconds(pid),
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
