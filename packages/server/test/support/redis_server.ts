import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { findFreePort } from '../../src/runtime/find_free_port.js';
import { hasCommand, requireOrSkip } from './external_tools.js';

/** The machine's shared Redis (CI starts it); override with `KEYGATE_TEST_REDIS_URL`. */
export const SHARED_REDIS_URL = process.env.KEYGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** True when the shared Redis answers PING. */
export async function sharedRedisAnswers(url = SHARED_REDIS_URL): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * Whether Redis tests can run: says loudly when they are skipped, and fails when
 * `KEYGATE_REQUIRE_SERVICES=1`. Top-level await in a test file: `describe.runIf(await …)`.
 */
export async function requireSharedRedis(): Promise<boolean> {
  return requireOrSkip(`Redis at ${SHARED_REDIS_URL}`, await sharedRedisAnswers());
}

/** Whether a throwaway `redis-server` can be started (the binary is on this machine). */
export function requireRedisServerBinary(): boolean {
  return requireOrSkip('redis-server', hasCommand('redis-server'));
}

/** A unique key prefix, so parallel test files and cases never see each other's keys. */
export function uniqueKeyPrefix(label: string): string {
  return `keygate-test:${label}:${randomBytes(6).toString('hex')}:`;
}

/** A throwaway `redis-server` child process on a free loopback port. */
export interface RedisServerProcess {
  readonly port: number;
  readonly url: string;
  /** Kills it (SIGKILL by default) and waits for the exit; the port stays reserved by nobody. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port with the same arguments (after `stop`). */
  restart(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open but nothing is answered, like a hung server. */
  pause(): void;
  /** Lets a paused server run again (SIGCONT). */
  resume(): void;
  /** Stops it for good and removes its directory. */
  dispose(): Promise<void>;
}

/**
 * Starts `redis-server` on a free port, persisting nothing (`--save "" --appendonly no`), with
 * extra arguments such as `['--maxmemory-policy', 'allkeys-lru']`, and resolves once it
 * accepts connections.
 */
export async function startRedisServer(
  extraArgs: readonly string[] = [],
): Promise<RedisServerProcess> {
  const port = await findFreePort('127.0.0.1');
  const dir = await mkdtemp(join(tmpdir(), 'keygate-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    ...extraArgs,
  ];
  let child: ChildProcess | null = null;

  async function launch(): Promise<void> {
    const started = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => {
        started.kill('SIGKILL');
        reject(new Error(`redis-server did not start; output:\n${output}`));
      }, 15_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      started.stdout?.on('data', onData);
      started.stderr?.on('data', onData);
      started.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code ?? signal}); output:\n${output}`));
      });
    });
  }

  async function stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGCONT');
    running.kill(signal);
    await exited;
  }

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    restart: launch,
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    async dispose() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
