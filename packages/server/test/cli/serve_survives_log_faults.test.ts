import { closeSync, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { get } from '../support/http_client.js';
import { type ServerProcess, startKeygateProcess } from '../support/keygate_process.js';

/**
 * Regressions: a logging failure ended `keygate serve`. With stdout closed by its reader
 * (`keygate serve | head -1`) the next log line was an unhandled EPIPE, exit 1; with the log
 * on a full disk, an unhandled ENOSPC. The server must keep answering in both cases.
 */
let dataDir: string;
let server: ServerProcess | null = null;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'keygate-logfault-'));
});
afterEach(async () => {
  await server?.stop();
  server = null;
  await rm(dataDir, { recursive: true, force: true });
});

const env = () => ({ KEYGATE_DATA_DIR: dataDir, KEYGATE_LOG_LEVEL: 'info' });

/** Sends requests that each log a line (a refused bearer token), then checks the server. */
async function logSomeLinesAndCheck(running: ServerProcess): Promise<void> {
  for (let i = 0; i < 20; i += 1) {
    const refused = await get(`${running.url}/api/v1/me`, { authorization: 'Bearer nope' });
    expect(refused.status).toBe(401);
  }
  expect((await get(`${running.url}/healthz`)).status).toBe(200);
  expect((await get(`${running.url}/readyz`)).status).toBe(200);
  expect(running.child.exitCode).toBeNull();
  expect(running.child.signalCode).toBeNull();
}

it('keeps serving after the reader of its stdout went away (serve | head -1)', async () => {
  const running = await startKeygateProcess([], { env: env(), stdout: 'pipe' });
  server = running;
  const stdout = running.child.stdout;
  if (!stdout) throw new Error('stdout is not piped');
  // Read one line, then close the pipe as `head -1` does.
  await new Promise<void>((resolve) => {
    let seen = '';
    stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('\n')) resolve();
    });
  });
  stdout.destroy();
  await logSomeLinesAndCheck(running);
});

it('keeps serving while its log goes to a full disk (/dev/full)', async () => {
  const full = openSync('/dev/full', 'w');
  try {
    const running = await startKeygateProcess([], { env: env(), stdout: full });
    server = running;
    await logSomeLinesAndCheck(running);
  } finally {
    closeSync(full);
  }
});
