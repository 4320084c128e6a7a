import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CleanupStack } from '../lib/cleanup_stack.js';
import { CHILD_PRELOADS, type ServerProcess, startServerProcess } from './start_server_process.js';

/** The `keygate` executable of this repository (what `npx keygate` runs). */
export const KEYGATE_BIN = fileURLToPath(
  new URL('../../packages/server/bin/keygate.js', import.meta.url),
);

/** An API key as `keygate apikey generate --json` prints it. */
export interface GeneratedApiKey {
  readonly id: string;
  readonly key: string;
  readonly secret: string;
}

/** A running `keygate serve` on a fresh data directory, with one API key for `admin`. */
export interface KeygateTarget {
  readonly server: ServerProcess;
  readonly dataDir: string;
  /** The SQLite file the server writes (nonces included). */
  readonly sqliteFile: string;
  readonly apiKey: GeneratedApiKey;
}

/** Options for {@link startKeygate}. */
export interface StartKeygateOptions {
  /** Extra node flags for the server child, e.g. `--cpu-prof`. */
  readonly nodeFlags?: readonly string[];
}

/**
 * Environment for keygate children: the parent's, minus every `KEYGATE_*` setting (so a
 * developer's shell cannot change what is measured), plus warn-level logs.
 */
export function keygateEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('KEYGATE_')) env[name] = value;
  }
  return { ...env, KEYGATE_LOG_LEVEL: 'warn' };
}

/** How to start one `keygate serve` child. */
export interface KeygateServerOptions {
  /** Its name in messages (`keygate`, `keygate#2`). */
  readonly name: string;
  readonly dataDir: string;
  /** Its complete environment. */
  readonly env: NodeJS.ProcessEnv;
  /** Extra node flags, e.g. `--cpu-prof`. */
  readonly nodeFlags?: readonly string[];
}

/**
 * Starts `keygate serve --host 127.0.0.1 --port 0 --data-dir <dataDir>` as a child and
 * resolves once it listens. The caller registers its stop.
 * @throws Error with the child's output when it does not start.
 */
export function startKeygateServer(options: KeygateServerOptions): Promise<ServerProcess> {
  return startServerProcess({
    name: options.name,
    args: [
      ...(options.nodeFlags ?? []),
      ...CHILD_PRELOADS,
      KEYGATE_BIN,
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data-dir',
      options.dataDir,
    ],
    env: options.env,
    listening: /keygate listening on (http:\/\/\S+)/,
  });
}

/**
 * Starts real keygate as `keygate serve --host 127.0.0.1 --port 0 --data-dir <temp>` (SQLite,
 * master key file created on first start), then creates an API key through the CLI
 * (`keygate apikey generate --user admin --org default --json`), as an operator would.
 * The server and the temp dir are registered on `cleanup`.
 * @throws Error with the child's output when the server or the CLI fails.
 */
export async function startKeygate(
  cleanup: CleanupStack,
  options: StartKeygateOptions = {},
): Promise<KeygateTarget> {
  const dataDir = await mkdtemp(join(tmpdir(), 'keygate-bench-'));
  cleanup.add(`remove ${dataDir}`, () => rm(dataDir, { recursive: true, force: true }));
  const env = keygateEnv();
  const server = await startKeygateServer({
    name: 'keygate',
    dataDir,
    env,
    nodeFlags: options.nodeFlags,
  });
  cleanup.add('stop keygate', () => server.stop());

  return {
    server,
    dataDir,
    sqliteFile: join(dataDir, 'keygate.sqlite'),
    apiKey: await generateAdminApiKey(dataDir, env),
  };
}

/**
 * Creates an API key for `admin` in `default` through the CLI, as an operator would:
 * `keygate --data-dir <dataDir> --json apikey generate --user admin --org default`.
 * @throws Error when the command fails or does not print `{id, key, secret}`.
 */
export async function generateAdminApiKey(
  dataDir: string,
  env: NodeJS.ProcessEnv,
): Promise<GeneratedApiKey> {
  const stdout = await runCli(
    ['--data-dir', dataDir, '--json', 'apikey', 'generate', '--user', 'admin', '--org', 'default'],
    env,
  );
  const parsed = JSON.parse(stdout) as { id?: unknown; key?: unknown; secret?: unknown };
  if (
    typeof parsed.id !== 'string' ||
    typeof parsed.key !== 'string' ||
    typeof parsed.secret !== 'string'
  ) {
    throw new Error('keygate apikey generate --json did not print {id, key, secret}');
  }
  return { id: parsed.id, key: parsed.key, secret: parsed.secret };
}

/**
 * Runs one `keygate …` command to completion and resolves with its stdout.
 * @param input - written to its stdin (e.g. a password for `--password-stdin`).
 * @throws Error with the command's stderr when it fails.
 */
export function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [KEYGATE_BIN, ...args],
      { env, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`keygate ${args.join(' ')} failed: ${error.message}\n${stderr}`));
        } else {
          resolve(stdout);
        }
      },
    );
    child.stdin?.end(input ?? '');
  });
}
