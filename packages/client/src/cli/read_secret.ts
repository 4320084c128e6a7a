import type { Command } from 'commander';
import { type CliIo, UsageError } from './cli_io.js';

/** Where one secret may come from, in order of preference. */
export interface SecretSource {
  /** What it is, for prompts and messages: `API secret`, `client secret` … */
  readonly label: string;
  /** Environment variable, e.g. `KEYGATE_SECRET`. */
  readonly env: string;
  /** Flag that reads it from standard input, e.g. `secret-stdin`. */
  readonly stdinFlag: string;
  /** Flag that takes it inline (visible in shell history), e.g. `secret`. */
  readonly inlineFlag: string;
}

/** Reads all of standard input, without one trailing newline. */
async function readAllStdin(io: CliIo): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of io.stdin) {
    chunks.push(
      typeof chunk === 'string' ? new TextEncoder().encode(chunk) : (chunk as Uint8Array),
    );
  }
  const total = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    total.set(chunk, at);
    at += chunk.length;
  }
  return new TextDecoder().decode(total).replace(/\r?\n$/, '');
}

/** Prompts on stderr and reads one line from a TTY with echo off. */
function promptHidden(io: CliIo, label: string): Promise<string> {
  const { stdin, stderr } = io;
  const setRawMode = stdin.setRawMode?.bind(stdin);
  if (!setRawMode) throw new UsageError(`cannot prompt for the ${label}: stdin is not a terminal`);
  // Echo goes off before the prompt shows, so nothing typed after seeing it is echoed.
  setRawMode(true);
  stdin.resume();
  stderr.write(`${label}: `);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      setRawMode(false);
      stdin.pause();
      stderr.write('\n');
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new UsageError('cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * Resolves a secret without putting it in shell history when avoidable (C-7): the environment
 * variable first, then standard input (`--…-stdin`), then the inline flag (with a warning that
 * it is visible in history and process lists), then an echo-free prompt when stdin is a
 * terminal. Returns null when none applies and `optional` is set.
 *
 * @throws UsageError when the secret is required and no source has it, or it is empty.
 */
export async function readSecret(
  io: CliIo,
  values: Readonly<Record<string, unknown>>,
  source: SecretSource,
  optional = false,
): Promise<string | null> {
  let secret: string | null = null;
  const fromEnv = io.env[source.env];
  if (fromEnv !== undefined && fromEnv !== '') {
    secret = fromEnv;
  } else if (values[source.stdinFlag] === true) {
    secret = await readAllStdin(io);
  } else if (typeof values[source.inlineFlag] === 'string') {
    io.stderr.write(
      `keygate-client: warning: --${source.inlineFlag} is visible in shell history and process lists; prefer ${source.env} or --${source.stdinFlag}\n`,
    );
    secret = values[source.inlineFlag] as string;
  } else if (io.stdin.isTTY && io.stdin.setRawMode) {
    secret = await promptHidden(io, source.label);
  } else if (optional) {
    return null;
  } else {
    throw new UsageError(
      `the ${source.label} is required: set ${source.env}, pass --${source.stdinFlag}, or run in a terminal to be prompted`,
    );
  }
  if (secret.length === 0) throw new UsageError(`the ${source.label} is empty`);
  return secret;
}

/** The secret sources of every command. */
export const SECRETS = {
  apiSecret: {
    label: 'API secret',
    env: 'KEYGATE_SECRET',
    stdinFlag: 'secret-stdin',
    inlineFlag: 'secret',
  },
  clientSecret: {
    label: 'client secret',
    env: 'KEYGATE_CLIENT_SECRET',
    stdinFlag: 'client-secret-stdin',
    inlineFlag: 'client-secret',
  },
  password: {
    label: 'password',
    env: 'KEYGATE_PASSWORD',
    stdinFlag: 'password-stdin',
    inlineFlag: 'password',
  },
  token: {
    label: 'access token',
    env: 'KEYGATE_TOKEN',
    stdinFlag: 'token-stdin',
    inlineFlag: 'token',
  },
  refreshToken: {
    label: 'refresh token',
    env: 'KEYGATE_REFRESH_TOKEN',
    stdinFlag: 'refresh-token-stdin',
    inlineFlag: 'refresh-token',
  },
} as const satisfies Record<string, SecretSource>;

/** Adds each source's `--…-stdin` and inline flags to `command`. */
export function addSecretOptions(command: Command, ...sources: SecretSource[]): Command {
  for (const source of sources) {
    command
      .option(`--${source.stdinFlag}`, `read the ${source.label} from standard input`)
      .option(
        `--${source.inlineFlag} <value>`,
        `the ${source.label} inline (visible in shell history: avoid)`,
      );
  }
  return command;
}

/** Only one secret can come from standard input per run. */
export function checkOneStdinSecret(
  values: Readonly<Record<string, unknown>>,
  sources: SecretSource[],
): void {
  const onStdin = sources
    .filter((s) => values[s.stdinFlag] === true)
    .map((s) => `--${s.stdinFlag}`);
  if (onStdin.length > 1) {
    throw new UsageError(`only one secret can be read from stdin (got ${onStdin.join(', ')})`);
  }
}
