import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../core/config/validate_config.js';
import { KeygateError } from '../core/errors.js';
import { NoKeygateDataError } from '../runtime/no_keygate_data_error.js';
import { SecretUnsealError } from '../secrets/secret_unseal_error.js';
import { StoreUnavailableError } from '../store/port.js';
import type { CliIo } from './cli_io.js';
import { registerApiKeyCommands } from './commands/apikey_commands.js';
import { registerClientCommands } from './commands/client_commands.js';
import { registerKeysCommands } from './commands/keys_commands.js';
import { registerMasterKeyCommands } from './commands/master_key_commands.js';
import { registerMigrateCommand } from './commands/migrate_command.js';
import { registerOrgCommands } from './commands/org_commands.js';
import { registerServeCommand } from './commands/serve_command.js';
import { registerUserCommands } from './commands/user_commands.js';
import { registerWsseCommands } from './commands/wsse_commands.js';
import { stopWhenOrphanedUnderNpm } from './stop_when_orphaned.js';

/** This package's version, read from its package.json (one level above both src/ and dist/). */
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** Builds the `keygate` command tree (K-2). */
export function buildProgram(io: CliIo): Command {
  const program = new Command('keygate')
    .description('keygate: WSSE, OAuth 2.0 and legacy JWT authentication server')
    .version(VERSION, '-V, --version', 'print the version')
    .option('--json', 'print one JSON object instead of text')
    .option('--config <file>', 'JSON configuration file (env KEYGATE_CONFIG)')
    .option('--data-dir <dir>', 'data directory (env KEYGATE_DATA_DIR, default ./data)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Usage errors are written by runCli, as one line like every other failure.
      outputError: () => undefined,
    });
  registerServeCommand(program, io);
  registerMigrateCommand(program, io);
  registerOrgCommands(program, io);
  registerUserCommands(program, io);
  registerApiKeyCommands(program, io);
  registerWsseCommands(program, io);
  registerClientCommands(program, io);
  registerKeysCommands(program, io);
  registerMasterKeyCommands(program, io);
  return program;
}

/** Describes an error in one line for stderr; never includes secrets. */
function describeError(error: unknown): string {
  if (error instanceof ConfigError) {
    return `invalid configuration: ${error.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`;
  }
  if (error instanceof KeygateError) return error.message;
  // The database cannot be opened or reached: its message names it (password redacted).
  if (error instanceof StoreUnavailableError) return error.message;
  if (error instanceof Error && error.name === 'MasterKeyError') return error.message;
  if (error instanceof NoKeygateDataError) return error.message;
  if (error instanceof SecretUnsealError) {
    return 'wrong master key: a stored secret does not open with the loaded master key; set KEYGATE_MASTER_KEY (or restore master.key) to the key the data was sealed with';
  }
  const system = error as NodeJS.ErrnoException & { address?: string; port?: number };
  if (system.syscall === 'listen') {
    return `cannot listen on ${system.address}:${system.port} (${system.code}); free that port or choose another with --port`;
  }
  return error instanceof Error ? `unexpected error: ${error.message}` : 'unexpected error';
}

/** `keygate [command …] --help` for the deepest command the arguments name. */
function helpFor(program: Command, args: readonly string[]): string {
  const names: string[] = [];
  let command = program;
  for (const arg of args) {
    const sub = command.commands.find((c) => c.name() === arg);
    if (!sub) break;
    names.push(arg);
    command = sub;
  }
  return ['keygate', ...names, '--help'].join(' ');
}

/**
 * Runs the CLI and returns the exit code: 0 on success, 2 for usage errors, 1 otherwise, with
 * a one-line reason on stderr (usage errors point at the command's `--help`).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv as string[]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      // A command group run without its subcommand: commander has printed its help.
      if (error.code === 'commander.help') return 2;
      const reason = error.message
        .replace(/^error: /, '')
        .replace(/\s+/g, ' ')
        .trim();
      io.stderr.write(`keygate: ${reason} (see ${helpFor(program, argv.slice(2))})\n`);
      return 2;
    }
    io.stderr.write(`keygate: ${describeError(error)}\n`);
    return 1;
  }
}

/** Process entry point used by `bin/keygate.js`. */
export async function main(argv: readonly string[]): Promise<void> {
  stopWhenOrphanedUnderNpm(process.env);
  const code = await runCli(argv, {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
  });
  // `serve` keeps the process alive through its listening socket; the exit code applies later.
  process.exitCode = code;
}
