import type { Command } from 'commander';
import type { RawConfig } from '../core/config/validate_config.js';
import { readConfig } from '../runtime/read_config_sources.js';
import { openRuntime, type Runtime } from '../runtime/runtime.js';

/** The process's streams and environment, injectable so tests can run commands in-process. */
export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
}

/** Options every command accepts (declared on the root program). */
export interface GlobalOptions {
  readonly json?: boolean;
  readonly config?: string;
  readonly dataDir?: string;
}

/** Prints a result: the human text by default, or one JSON object with `--json` (K-1). */
export function emit(io: CliIo, command: Command, human: string, json: unknown): void {
  const { json: asJson } = command.optsWithGlobals<GlobalOptions>();
  io.stdout.write(asJson ? `${JSON.stringify(json)}\n` : `${human}\n`);
}

/** Reads configuration for a command: file, environment, then flags. */
export function configFor(io: CliIo, command: Command, flags: RawConfig = {}) {
  const options = command.optsWithGlobals<GlobalOptions>();
  return readConfig({
    env: io.env,
    configFile: options.config,
    flags: { ...(options.dataDir ? { dataDir: options.dataDir } : {}), ...flags },
  });
}

/** Runs `action` with an opened runtime and always closes it. */
export async function withRuntime<T>(
  io: CliIo,
  command: Command,
  action: (runtime: Runtime) => Promise<T>,
): Promise<T> {
  const runtime = await openRuntime(configFor(io, command), { env: io.env });
  try {
    return await action(runtime);
  } finally {
    await runtime.close();
  }
}

/** Reads all of standard input as text (for `--password-stdin`), without one trailing newline. */
export async function readStdin(io: CliIo): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
