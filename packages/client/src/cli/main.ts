import { readFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { KeygateClientError } from '../errors.js';
import { registerCallCommand } from './call_command.js';
import { type CliIo, EXIT, UsageError } from './cli_io.js';
import { registerHeaderCommand } from './header_command.js';
import { registerTokenCommand } from './token_command.js';

const NOTES = `
Secrets come from environment variables (KEYGATE_SECRET, KEYGATE_CLIENT_SECRET,
KEYGATE_PASSWORD, KEYGATE_TOKEN, KEYGATE_REFRESH_TOKEN), from standard input, or from an
echo-free prompt; never put them on the command line if you can avoid it.

Exit codes: 0 success, 1 the server refused (HTTP or OAuth error, session expired),
2 usage error, 3 network or unexpected failure.
`;

/** This package's version, read from its package.json (one level above both src/ and dist/). */
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** Builds the `keygate-client` command tree (C-7), parsed by commander like `keygate`'s. */
export function buildClientProgram(io: CliIo): Command {
  const program = new Command('keygate-client')
    .description("The integrators' command line for keygate-protected APIs.")
    .version(VERSION, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Usage errors are written by runClientCli, as one line like every other failure.
      outputError: () => undefined,
    })
    .addHelpText('after', NOTES);
  registerHeaderCommand(program, io);
  registerTokenCommand(program, io);
  registerCallCommand(program, io);
  return program;
}

/** `keygate-client [command] --help` as printed, for tests and docs. */
function helpOf(command?: string): string {
  let text = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  const program = buildClientProgram({
    env: {},
    stdout: sink,
    stderr: sink,
    stdin: Readable.from([]),
  });
  (program.commands.find((c) => c.name() === command) ?? program).outputHelp();
  return text;
}

/** Exported for tests: every command's help text. */
export const HELP = {
  main: helpOf(),
  header: helpOf('header'),
  token: helpOf('token'),
  call: helpOf('call'),
};

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Runs `keygate-client` with the arguments after the program name and returns the exit code,
 * writing one line on stderr for any failure (C-7), usage errors pointing at `--help`.
 */
export async function runClientCli(args: readonly string[], io: CliIo): Promise<number> {
  const program = buildClientProgram(io);
  const [first] = args;
  const help = program.commands.some((c) => c.name() === first)
    ? `keygate-client ${first} --help`
    : 'keygate-client --help';
  try {
    if (args.length === 0) {
      program.outputHelp();
      return EXIT.usage;
    }
    await program.parseAsync([...args], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) return EXIT.ok;
    if (error instanceof UsageError || error instanceof CommanderError) {
      const reason = oneLine(error.message.replace(/^error: /, ''));
      io.stderr.write(`keygate-client: ${reason} (see ${help})\n`);
      return EXIT.usage;
    }
    if (error instanceof KeygateClientError) {
      io.stderr.write(`keygate-client: ${oneLine(error.message)}\n`);
      return EXIT.refused;
    }
    const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
    const detail = cause?.code ?? cause?.message;
    io.stderr.write(
      `keygate-client: ${oneLine(error instanceof Error ? error.message : String(error))}${detail ? ` (${oneLine(detail)})` : ''}\n`,
    );
    return EXIT.failure;
  }
}

/** Process entry point used by `bin/keygate-client.js`. */
export async function main(argv: readonly string[]): Promise<void> {
  process.exitCode = await runClientCli(argv.slice(2), {
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
  });
}
