import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The `keygate` executable in this repository (what `npx keygate` runs). */
export const KEYGATE_BIN = fileURLToPath(new URL('../../bin/keygate.js', import.meta.url));

/** Environment for child keygate processes: quiet logs, no inherited KEYGATE_* settings. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('KEYGATE_')) env[name] = value;
  }
  return { ...env, KEYGATE_LOG_LEVEL: 'warn', ...extra };
}

/** Result of a finished `keygate` command. */
export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one `keygate …` command to completion as a separate process. */
export function runKeygate(
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string; cwd?: string } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KEYGATE_BIN, ...args], {
      env: childEnv(options.env),
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** A server command ended before it printed its listening line. */
export class ExitedBeforeListeningError extends Error {
  override readonly name = 'ExitedBeforeListeningError';
  constructor(
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderr: string,
  ) {
    super(`keygate exited (${code ?? signal}) before listening; stderr:\n${stderr}`);
  }
}

/** A `keygate serve` child process. */
export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process wrote to stderr so far (banner, first-start password). */
  stderr(): string;
  /** Kills with the given signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Options for a server process. */
export interface ServerProcessOptions {
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  readonly timeoutMs?: number;
  /** The child's stdout (its log): ignored by default, `'pipe'` to read it, or a descriptor. */
  readonly stdout?: 'ignore' | 'pipe' | number;
}

/** Starts `keygate serve --port 0 …` and resolves once it listens. */
export function startKeygateProcess(
  args: readonly string[],
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  return startListeningProcess(
    process.execPath,
    [KEYGATE_BIN, 'serve', '--port', '0', ...args],
    options,
  );
}

/**
 * Starts a command that runs a keygate server and resolves once it prints its listening line.
 * The command runs in its own process group, so `stop` also reaches the server behind a
 * wrapper such as `npm start`.
 */
export function startListeningProcess(
  command: string,
  args: readonly string[],
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: childEnv(options.env),
      cwd: options.cwd,
      stdio: ['ignore', options.stdout ?? 'ignore', 'pipe'],
      detached: true,
    });
    let stderr = '';
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const kill = (signal: NodeJS.Signals) => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        child.kill(signal);
      }
    };
    const timer = setTimeout(() => {
      kill('SIGKILL');
      reject(new Error(`keygate did not start in time; stderr:\n${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /keygate listening on (http:\/\/\S+)/.exec(stderr);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({
          url: match[1],
          child,
          stderr: () => stderr,
          async stop(signal = 'SIGTERM') {
            kill(signal);
            await exited;
          },
        });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new ExitedBeforeListeningError(code, signal, stderr));
    });
  });
}

/**
 * Runs `keygate serve …` expecting it to refuse to start: resolves with its exit code and
 * stderr once it exits. Should it listen instead, it is stopped and the promise rejects.
 */
export async function serveExpectingRefusal(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CommandResult> {
  let server: ServerProcess;
  try {
    server = await startListeningProcess(
      process.execPath,
      [KEYGATE_BIN, 'serve', ...args],
      options,
    );
  } catch (error) {
    if (!(error instanceof ExitedBeforeListeningError)) throw error;
    return { code: error.code, stdout: '', stderr: error.stderr };
  }
  await server.stop();
  throw new Error(`keygate serve ${args.join(' ')} started instead of refusing`);
}
