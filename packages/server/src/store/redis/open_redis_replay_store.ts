import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { StoreNotReadyError, StoreUnavailableError } from '../port.js';
import type { ReplayPort } from '../replay_port.js';
import { readAppendOnly } from './read_append_only.js';
import { readEvictionPolicy } from './read_eviction_policy.js';
import { redisAddress } from './redis_address.js';
import { createRedisContext } from './redis_context.js';
import { createRedisCounters } from './redis_counters.js';
import { RedisEvictionPolicyError } from './redis_eviction_policy_error.js';
import { createRedisNonces } from './redis_nonces.js';

/** How often an unconfirmed eviction policy is checked again on a live connection. */
const POLICY_RECHECK_MS = 1000;
/** How often the policy of a connection in use is checked (`CONFIG SET` needs no reconnect). */
const POLICY_WATCH_MS = 15_000;
/** What keygate keeps in Redis (S-2): the replay store and the rate-limit counters. */
export interface RedisReplayStore extends ReplayPort {
  /** `host:port` of the server, for logs (never a password). */
  readonly address: string;
  /**
   * Whether the server wrote an append-only file at start; without one a Redis restart
   * forgets consumed nonces (S-5), which the caller should warn about.
   */
  readonly appendOnly: boolean;
  /**
   * Resolves when Redis is safe and accepts writes: its policy, read again, is `noeviction`,
   * and a `SET … EX 1` of a key of its own succeeds (a Redis out of memory or a read-only
   * replica refuses it); else rejects with `StoreNotReadyError` naming `redis`.
   */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A change of the connection's state worth one log line. */
export type RedisStoreEvent =
  | { readonly type: 'down'; readonly message: string }
  | { readonly type: 'up' }
  | { readonly type: 'unsafe_policy'; readonly error: RedisEvictionPolicyError };

/** Options for {@link openRedisReplayStore}. */
export interface RedisReplayStoreOptions {
  /** `redis://[user:password@]host[:port][/db]` or `rediss://…` (TLS). */
  readonly url: string;
  /** Prefix of every key keygate writes; default `keygate:`. Tests use one per case. */
  readonly keyPrefix?: string;
  /** Longest wait for one command or connection attempt, in ms; default 2000. */
  readonly timeoutMs?: number;
  /** Told when the connection goes down, comes back, or comes back unsafe. */
  readonly onEvent?: (event: RedisStoreEvent) => void;
}

/**
 * Connects to Redis and checks that it never evicts keys (`maxmemory-policy noeviction`, S-4).
 *
 * Fail closed (S-4): commands are never queued while the server is unreachable (offline queue
 * off, no retries of a command, a command timeout), so each call fails at once with
 * `StoreUnavailableError` and the caller answers 503; the client keeps reconnecting in the
 * background and, on every reconnect, checks the policy again before it serves, so service
 * resumes by itself, and never on a server that was restarted with an evicting policy. The
 * policy of a live connection is also read every 15 s and on every `ping()`: a server
 * switched to an evicting policy while running (`CONFIG SET maxmemory-policy allkeys-lru`)
 * is refused as at start, reported once as `unsafe_policy`, until it is set back.
 *
 * @throws StoreUnavailableError when the server cannot be reached at start.
 * @throws RedisEvictionPolicyError when its policy is not `noeviction`.
 */
export async function openRedisReplayStore(
  options: RedisReplayStoreOptions,
): Promise<RedisReplayStore> {
  const address = redisAddress(options.url);
  const timeoutMs = options.timeoutMs ?? 2000;
  const onEvent = options.onEvent ?? (() => {});
  const client = new Redis(options.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  });

  let closed = false;
  /** True while the current connection is up and its policy was checked. */
  let safe = false;
  /** Bumped on every (re)connection, so a late check never vouches for a newer one. */
  let generation = 0;
  let reportedDown = false;
  /** False until the start-up checks passed: failures before that are the caller's error. */
  let opened = false;

  const reportDown = (message: string) => {
    if (reportedDown || closed || !opened) return;
    reportedDown = true;
    onEvent({ type: 'down', message });
  };
  client.on('error', (error: Error) => reportDown(error.message));
  client.on('close', () => {
    safe = false;
    generation += 1;
    reportDown('connection closed');
  });

  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    const message = error instanceof Error ? error.message : 'unknown error';
    throw new StoreUnavailableError(`cannot reach Redis at ${address}: ${message}`, {
      cause: error,
    });
  }
  let policy: string;
  let appendOnly: boolean;
  try {
    policy = await readEvictionPolicy(client);
    appendOnly = await readAppendOnly(client);
  } catch (error) {
    client.disconnect();
    const message = error instanceof Error ? error.message : 'unknown error';
    throw new StoreUnavailableError(
      `cannot read maxmemory-policy of Redis at ${address}: ${message}`,
      {
        cause: error,
      },
    );
  }
  if (policy !== 'noeviction') {
    client.disconnect();
    throw new RedisEvictionPolicyError(address, policy);
  }
  safe = true;
  opened = true;

  // After every reconnect the policy is confirmed again before the store is used; while it
  // cannot be confirmed (the check timed out, or the policy evicts) it is re-checked every
  // second on the same connection, so service resumes by itself once Redis is fixed (S-4).
  const confirmPolicy = (current: number, unsafeReported = false): void => {
    readEvictionPolicy(client).then(
      (found) => {
        if (current !== generation || closed) return;
        if (found === 'noeviction') {
          safe = true;
          reportedDown = false;
          onEvent({ type: 'up' });
          return;
        }
        if (!unsafeReported) {
          onEvent({ type: 'unsafe_policy', error: new RedisEvictionPolicyError(address, found) });
        }
        setTimeout(() => confirmPolicy(current, true), POLICY_RECHECK_MS).unref();
      },
      () => {
        if (current !== generation || closed) return;
        setTimeout(() => confirmPolicy(current, unsafeReported), POLICY_RECHECK_MS).unref();
      },
    );
  };
  client.on('ready', () => {
    generation += 1;
    confirmPolicy(generation);
  });

  /** Reads the policy of the connection in use; one that turned unsafe stops the store. */
  const watchPolicy = async (): Promise<void> => {
    const current = generation;
    const found = await readEvictionPolicy(client);
    if (current !== generation || closed || !safe || found === 'noeviction') return;
    safe = false;
    onEvent({ type: 'unsafe_policy', error: new RedisEvictionPolicyError(address, found) });
    setTimeout(() => confirmPolicy(current, true), POLICY_RECHECK_MS).unref();
  };
  const policyWatch = setInterval(() => {
    // A failed read is the connection's trouble, which its own events report.
    if (safe && !closed) watchPolicy().catch(() => {});
  }, POLICY_WATCH_MS);
  policyWatch.unref();

  const prefix = options.keyPrefix ?? 'keygate:';
  const readinessKey = `${prefix}readiness:${randomUUID()}`;
  const context = createRedisContext(client, prefix, address, () => {
    if (closed) return 'store is closed';
    if (safe) return null;
    return client.status === 'ready'
      ? 'maxmemory-policy not confirmed as noeviction'
      : `not connected (${client.status})`;
  });

  return {
    nonces: createRedisNonces(context),
    counters: createRedisCounters(context),
    address,
    appendOnly,
    async ping() {
      try {
        await context.guard(() => watchPolicy());
        await context.guard(async () => void (await client.set(readinessKey, '1', 'EX', 1)));
      } catch (error) {
        throw new StoreNotReadyError(['redis'], { cause: error });
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      safe = false;
      clearInterval(policyWatch);
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}
