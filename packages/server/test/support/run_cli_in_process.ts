import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../../src/cli/main.js';
import type { CommandResult } from './keygate_process.js';

/** Runs `keygate …` in this process with captured output (fast; same code as the binary). */
export async function runCliInProcess(
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
  const code = await runCli(['node', 'keygate', ...args], {
    env: { KEYGATE_LOG_LEVEL: 'silent', ...options.env },
    stdout,
    stderr,
    stdin: Readable.from([options.input ?? '']),
  });
  return { code, stdout: out, stderr: err };
}
