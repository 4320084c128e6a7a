import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { get } from '../support/http_client.js';
import { type ServerProcess, startListeningProcess } from '../support/keygate_process.js';
import { REPO_ROOT } from '../support/repository_files.js';
import { waitUntil } from '../support/wait_until.js';

/** Pids of the processes whose command line names `marker` (here: the test's data dir). */
function processesNaming(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) pids.push(Number(entry));
    } catch {
      // The process ended while the list was read.
    }
  }
  return pids;
}

/** True when nothing accepts TCP connections on the server's port any more. */
function portClosed(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

let dataDir: string;
let server: ServerProcess | null;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'keygate-signals-'));
  server = null;
});

afterEach(async () => {
  // Whatever a failed assertion left behind.
  for (const pid of processesNaming(dataDir)) process.kill(pid, 'SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

/** Signals only the launcher (npm), as a service manager or a terminal's parent would. */
async function signalLauncher(signal: NodeJS.Signals): Promise<number | null> {
  const { child } = server as ServerProcess;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  process.kill(child.pid as number, signal);
  return exited;
}

/** After the launcher is gone: no keygate process left and the port is free. */
async function expectServerGone(url: string): Promise<void> {
  await waitUntil('the keygate process to exit', async () =>
    processesNaming(dataDir).length === 0 ? true : null,
  );
  expect(processesNaming(dataDir)).toEqual([]);
  expect(await portClosed(url)).toBe(true);
}

describe('signals reach the server behind npm', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'npm start: %s to npm stops the server cleanly and npm exits 0',
    async (signal) => {
      server = await startListeningProcess(
        'npm',
        ['start', '--', '--port', '0', '--data-dir', dataDir],
        { cwd: REPO_ROOT, timeoutMs: 60_000 },
      );
      expect((await get(`${server.url}/healthz`)).status).toBe(200);
      expect(processesNaming(dataDir).length).toBeGreaterThan(0);
      // npm exits with its script's code: 0 only when keygate shut down by itself.
      expect(await signalLauncher(signal)).toBe(0);
      await expectServerGone(server.url);
    },
    90_000,
  );

  it('npx keygate serve: SIGTERM to npm stops the server', async () => {
    server = await startListeningProcess(
      'npx',
      ['keygate', 'serve', '--port', '0', '--data-dir', dataDir],
      { cwd: REPO_ROOT, timeoutMs: 60_000 },
    );
    expect((await get(`${server.url}/healthz`)).status).toBe(200);
    await signalLauncher('SIGTERM');
    await expectServerGone(server.url);
  }, 90_000);
});
