import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CleanupStack } from '../lib/cleanup_stack.js';
import { BENCH_SCOPE, createBenchClient } from './register_oauth_client.js';
import { generateAdminApiKey, keygateEnv, runCli, startKeygateServer } from './start_keygate.js';
import type { ServerProcess } from './start_server_process.js';

/** Where the cluster keeps its state. */
export interface ClusterStores {
  /** `KEYGATE_DATABASE_URL` (a scratch PostgreSQL database). */
  readonly databaseUrl: string;
  /** `KEYGATE_REDIS_URL`. */
  readonly redisUrl: string;
}

/** keygate processes sharing one database, one Redis and one master key (S-2). */
export interface KeygateCluster {
  /** The processes, each on its own port. */
  readonly servers: readonly ServerProcess[];
  /** An API key of `admin` in `default`, made through the CLI. */
  readonly apiKey: { readonly key: string; readonly secret: string };
  /** A confidential client allowed the `api_keys` grant, made through the CLI. */
  readonly client: { readonly clientId: string; readonly clientSecret: string };
}

/** Options for {@link startKeygateCluster}. */
export interface StartKeygateClusterOptions {
  /** How many processes to start. */
  readonly processes: number;
  /** Extra node flags for each server child (`--cpu-prof …`), by process index. */
  readonly nodeFlags?: (index: number) => readonly string[];
}

/**
 * Runs what docs/scaling.md ("Running several instances") describes: `keygate migrate` on the
 * shared database, then `processes` × `keygate serve --port 0`, each with its own data
 * directory and the same `KEYGATE_DATABASE_URL`, `KEYGATE_REDIS_URL`, `KEYGATE_MASTER_KEY`
 * and `KEYGATE_ISSUER` (without one issuer a token from one process fails at another). Then,
 * through the CLI, an API key for `admin` and a client for the `api_keys` grant. Servers and
 * data directories are registered on `cleanup`.
 * @throws Error with the child's output when a command or a server fails.
 */
export async function startKeygateCluster(
  cleanup: CleanupStack,
  stores: ClusterStores,
  options: StartKeygateClusterOptions,
): Promise<KeygateCluster> {
  const env: NodeJS.ProcessEnv = {
    ...keygateEnv(),
    KEYGATE_DATABASE_URL: stores.databaseUrl,
    KEYGATE_REDIS_URL: stores.redisUrl,
    KEYGATE_MASTER_KEY: randomBytes(32).toString('hex'),
    KEYGATE_ISSUER: 'http://127.0.0.1',
  };
  const newDataDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keygate-bench-'));
    cleanup.add(`remove ${dir}`, () => rm(dir, { recursive: true, force: true }));
    return dir;
  };
  const cliDir = await newDataDir();
  await runCli(['--data-dir', cliDir, '--json', 'migrate'], env);

  const servers: ServerProcess[] = [];
  for (let index = 0; index < options.processes; index++) {
    const dataDir = await newDataDir();
    const server = await startKeygateServer({
      name: `keygate#${index + 1}`,
      dataDir,
      env,
      nodeFlags: options.nodeFlags?.(index),
    });
    cleanup.add(`stop keygate#${index + 1}`, () => server.stop());
    servers.push(server);
  }

  return {
    servers,
    apiKey: await generateAdminApiKey(cliDir, env),
    client: await createBenchClient(cliDir, env, ['--grant', 'api_keys', '--scope', BENCH_SCOPE]),
  };
}
