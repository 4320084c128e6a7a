import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findFreePort } from '../../src/runtime/find_free_port.js';
import { requireOrSkip } from './external_tools.js';

const run = promisify(execFile);

/** Where Debian installs the PostgreSQL 15 server programs. */
const BIN = process.env.KEYGATE_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** A PostgreSQL cluster of its own, in a temporary directory, on a free loopback port. */
export interface ThrowawayPostgres {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication). */
  readonly url: string;
  /** Stops it at once (`pg_ctl stop -m immediate`: like a crash, no clean shutdown). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  dispose(): Promise<void>;
}

/** Whether `initdb` and `pg_ctl` are on this machine; skips loudly otherwise. */
export function requirePostgresServerBinaries(): boolean {
  return requireOrSkip(
    `PostgreSQL server programs (${BIN})`,
    existsSync(join(BIN, 'initdb')) && existsSync(join(BIN, 'pg_ctl')),
  );
}

/**
 * Creates and starts a throwaway cluster (never the machine's own on 5432). PostgreSQL refuses
 * to run as root, so as root the programs run as the `postgres` user through `runuser`.
 */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const port = await findFreePort('127.0.0.1');
  const dir = await mkdtemp(join(tmpdir(), 'keygate-pg-'));
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pg = (program: string, args: readonly string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(BIN, program), ...args])
      : run(join(BIN, program), args);
  const data = join(dir, 'data');
  await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const start = async () => {
    await pg('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      'start',
    ]);
  };
  const stop = async () => {
    await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
  };
  await start();
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    start,
    async dispose() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
