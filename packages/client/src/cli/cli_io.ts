import type { FetchLike } from '../auth_context.js';

/** The process's streams, environment and network, injectable so tests can run the CLI in-process. */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** A TTY stdin (with `setRawMode`) lets the CLI prompt for secrets without echo. */
  readonly stdin: NodeJS.ReadableStream & {
    isTTY?: boolean;
    setRawMode?: (raw: boolean) => unknown;
  };
  readonly fetch?: FetchLike;
}

/** A mistake in the command line: exit code 2 and a pointer to `--help`. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit codes of `keygate-client`. */
export const EXIT = {
  ok: 0,
  /** The server refused: HTTP error, OAuth error, expired session. */
  refused: 1,
  usage: 2,
  /** Network failure or anything unexpected. */
  failure: 3,
} as const;
