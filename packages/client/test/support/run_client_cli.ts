import { spawn } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type CommandResult, childEnv } from '../../../server/test/support/keygate_process.js';
import { runClientCli } from '../../src/cli/main.js';

/** The `keygate-client` executable (what `npx keygate-client` runs). */
export const CLIENT_BIN = fileURLToPath(new URL('../../bin/keygate-client.js', import.meta.url));

/** Runs `keygate-client …` as a separate process (asynchronously: the test server keeps serving). */
export function runClientProcess(
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLIENT_BIN, ...args], {
      env: childEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Runs `keygate-client …` in this process with captured output (same code as the binary). */
export async function runClientInProcess(
  args: readonly string[],
  options: { env?: Record<string, string>; input?: string } = {},
): Promise<CommandResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const code = await runClientCli(args, {
    env: options.env ?? {},
    stdout,
    stderr,
    stdin: Readable.from([options.input ?? '']),
  });
  return { code, stdout: out, stderr: err };
}
