import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUsernameTokenSync } from '@keygate/wsse/node';
import { UsernameToken } from 'wsse';
import { authorizeThroughForms } from './form_browser.js';
import { runKeygate, type ServerProcess, startKeygateProcess } from './keygate_process.js';
import { type RedisServerProcess, startRedisServer } from './redis_server.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch_postgres.js';
import { postToken } from './token_client.js';

/** A confidential client registered through `keygate client create --json`. */
export interface ClusterClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** An API key and its secret. */
export interface ClusterApiKey {
  readonly key: string;
  readonly secret: string;
}

/**
 * Several `keygate serve` processes on one scratch PostgreSQL database and one throwaway
 * `redis-server` (its own port, so parallel test files never share keys), all with the same
 * `KEYGATE_MASTER_KEY` and `KEYGATE_ISSUER`, each with its own data directory (S-2). Set up for WSSE, the
 * authorization code flow and the api_keys grant.
 */
export interface KeygateCluster {
  readonly database: ScratchDatabase;
  readonly redis: RedisServerProcess;
  /** What every process (and every CLI command) runs with. */
  readonly env: Readonly<Record<string, string>>;
  /** The running processes, by index; `restart(i)` replaces an entry. */
  readonly servers: ServerProcess[];
  /** An API key of `admin` in `default`, with its secret. */
  readonly apiKey: ClusterApiKey;
  /** A code-flow client (authorization_code + refresh_token, no consent page). */
  readonly codeClient: ClusterClient;
  /** A client allowed the api_keys grant. */
  readonly apiKeysClient: ClusterClient;
  readonly redirectUri: string;
  /** A user who signs in on the login page. */
  readonly user: { readonly login: string; readonly password: string };
  /** Starts server `index` again (after a stop or a SIGKILL) with the same settings. */
  restart(index: number): Promise<ServerProcess>;
  /** A fresh X-WSSE header for the API key, or for `credential` (another key, a reset secret). */
  wsseHeader(credential?: ClusterApiKey): string;
  /** A fresh api_keys grant body for the API key, or for `credential`. */
  apiKeysBody(credential?: ClusterApiKey): Record<string, string>;
  /** Signs the user in on `server`'s pages and returns an authorization code and its verifier. */
  authorizationCode(server: { url: string }): Promise<{ code: string; verifier: string }>;
  /** Redeems an authorization code at `server`. */
  redeemCode(
    server: { url: string },
    grant: { code: string; verifier: string },
  ): ReturnType<typeof postToken>;
  /** Redeems a refresh token at `server`. */
  refresh(server: { url: string }, refreshToken: string): ReturnType<typeof postToken>;
  /** Stops every process and Redis, drops the database, removes the data directories. */
  dispose(): Promise<void>;
}

function parseJson<T>(result: { code: number | null; stdout: string; stderr: string }): T {
  if (result.code !== 0) throw new Error(`keygate command failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Creates the database and Redis, runs `keygate migrate`, starts `count` processes. */
export async function startKeygateCluster(count: number): Promise<KeygateCluster> {
  const database = await createScratchDatabase();
  const redis = await startRedisServer(['--appendonly', 'yes']);
  const dataDirs: string[] = [];
  const servers: ServerProcess[] = [];
  try {
    const env: Record<string, string> = {
      KEYGATE_DATABASE_URL: database.url,
      KEYGATE_REDIS_URL: redis.url,
      KEYGATE_MASTER_KEY: randomBytes(32).toString('hex'),
      KEYGATE_DATABASE_POOL_SIZE: '5',
      // One issuer for all: behind a load balancer a token from one process must pass at the
      // others, and `iss` (and the default audience) would otherwise name each one's own port.
      KEYGATE_ISSUER: 'http://localhost',
    };
    const cliDir = await mkdtemp(join(tmpdir(), 'keygate-cluster-cli-'));
    dataDirs.push(cliDir);
    const cliEnv = { ...env, KEYGATE_DATA_DIR: cliDir };
    parseJson(await runKeygate(['migrate', '--json'], { env: cliEnv }));

    const serverEnvs: Record<string, string>[] = [];
    for (let i = 0; i < count; i += 1) {
      const dataDir = await mkdtemp(join(tmpdir(), `keygate-cluster-${i}-`));
      dataDirs.push(dataDir);
      serverEnvs.push({ ...env, KEYGATE_DATA_DIR: dataDir });
    }
    servers.push(
      ...(await Promise.all(
        serverEnvs.map((serverEnv) => startKeygateProcess([], { env: serverEnv })),
      )),
    );

    const apiKey = parseJson<{ key: string; secret: string }>(
      await runKeygate(['apikey', 'generate', '--user', 'admin', '--org', 'default', '--json'], {
        env: cliEnv,
      }),
    );
    const redirectUri = 'http://127.0.0.1:9/callback';
    const code = parseJson<{ client_id: string; client_secret: string }>(
      await runKeygate(
        [
          'client',
          'create',
          'Cluster App',
          '--redirect-uri',
          redirectUri,
          '--scope',
          'documents:read',
          '--skip-consent',
          '--json',
        ],
        { env: cliEnv },
      ),
    );
    const robot = parseJson<{ client_id: string; client_secret: string }>(
      await runKeygate(['client', 'create', 'Robot', '--grant', 'api_keys', '--json'], {
        env: cliEnv,
      }),
    );
    const user = { login: 'carol', password: 'correct horse battery staple' };
    parseJson(
      await runKeygate(
        ['user', 'create', user.login, '--org', 'default', '--password-stdin', '--json'],
        {
          env: cliEnv,
          input: `${user.password}\n`,
        },
      ),
    );
    const codeClient = { clientId: code.client_id, clientSecret: code.client_secret };
    const apiKeysClient = { clientId: robot.client_id, clientSecret: robot.client_secret };

    return {
      database,
      redis,
      env,
      servers,
      apiKey,
      codeClient,
      apiKeysClient,
      redirectUri,
      user,
      async restart(index) {
        const serverEnv = serverEnvs[index];
        if (!serverEnv) throw new Error(`no server ${index}`);
        const server = await startKeygateProcess([], { env: serverEnv });
        servers[index] = server;
        return server;
      },
      wsseHeader: (credential = apiKey) =>
        createUsernameTokenSync({ username: credential.key, secret: credential.secret }).header,
      apiKeysBody(credential = apiKey) {
        const token = new UsernameToken({ username: credential.key, password: credential.secret });
        return {
          client_id: apiKeysClient.clientId,
          client_secret: apiKeysClient.clientSecret,
          grant_type: 'api_keys',
          key: credential.key,
          nonce: token.getNonceBase64(),
          created_at: token.getCreated(),
          digest: token.getPasswordDigest(),
        };
      },
      async authorizationCode(server) {
        const verifier = randomBytes(32).toString('base64url');
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        const params = new URLSearchParams({
          response_type: 'code',
          client_id: codeClient.clientId,
          redirect_uri: redirectUri,
          scope: 'documents:read',
          state: randomBytes(8).toString('hex'),
          code_challenge: challenge,
          code_challenge_method: 'S256',
        });
        const { redirect } = await authorizeThroughForms(
          `${server.url}/oauth/authorize?${params}`,
          user,
        );
        const code = redirect.searchParams.get('code');
        if (!code) throw new Error(`no code in ${redirect.toString()}`);
        return { code, verifier };
      },
      redeemCode(server, grant) {
        return postToken(server, {
          grant_type: 'authorization_code',
          code: grant.code,
          redirect_uri: redirectUri,
          code_verifier: grant.verifier,
          client_id: codeClient.clientId,
          client_secret: codeClient.clientSecret,
        });
      },
      refresh(server, refreshToken) {
        return postToken(server, {
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          client_id: codeClient.clientId,
          client_secret: codeClient.clientSecret,
        });
      },
      async dispose() {
        await Promise.all(servers.map((server) => server.stop('SIGKILL')));
        await redis.dispose();
        await database.drop();
        await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
      },
    };
  } catch (error) {
    await Promise.all(servers.map((server) => server.stop('SIGKILL')));
    await redis.dispose();
    await database.drop();
    await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
    throw error;
  }
}
