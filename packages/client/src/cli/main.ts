import { KeygateClientError } from '../errors.js';
import { CALL_HELP, callCommand } from './call_command.js';
import { type CliIo, EXIT, UsageError } from './cli_io.js';
import { HEADER_HELP, headerCommand } from './header_command.js';
import { TOKEN_HELP, tokenCommand } from './token_command.js';

/** `keygate-client --help`. */
export const MAIN_HELP = `Usage: keygate-client <command> [options]

The integrators' command line for keygate-protected APIs.

Commands:
  header   print fresh WSSE headers for curl
  token    run an OAuth grant (api-keys, client-credentials, refresh) and print the token
  call     make one authenticated request (wsse, api-keys, client-credentials, legacy-jwt, bearer)

Run keygate-client <command> --help for its options. Secrets come from environment variables
(KEYGATE_SECRET, KEYGATE_CLIENT_SECRET, KEYGATE_PASSWORD, KEYGATE_TOKEN,
KEYGATE_REFRESH_TOKEN), from standard input, or from an echo-free prompt; never put them on
the command line if you can avoid it.

Exit codes: 0 success, 1 the server refused (HTTP or OAuth error, session expired),
2 usage error, 3 network or unexpected failure.
`;

const COMMANDS: Record<string, (io: CliIo, args: readonly string[]) => Promise<void>> = {
  header: headerCommand,
  token: tokenCommand,
  call: callCommand,
};

/** Exported for tests: every command's help text. */
export const HELP = { main: MAIN_HELP, header: HEADER_HELP, token: TOKEN_HELP, call: CALL_HELP };

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Runs `keygate-client` with the arguments after the program name and returns the exit code,
 * writing one line on stderr for any failure (C-7).
 */
export async function runClientCli(args: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(MAIN_HELP);
      return command === undefined ? EXIT.usage : EXIT.ok;
    }
    const run = COMMANDS[command];
    if (!run) throw new UsageError(`unknown command: ${command}`);
    await run(io, rest);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(
        `keygate-client: ${oneLine(error.message)} (see keygate-client ${command && COMMANDS[command] ? `${command} ` : ''}--help)\n`,
      );
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
