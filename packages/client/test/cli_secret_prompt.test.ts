import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hasCommand, requireOrSkip } from '../../server/test/support/external_tools.js';
import { get } from '../../server/test/support/http_client.js';
import { childEnv } from '../../server/test/support/keygate_process.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
} from '../../server/test/support/start_test_server.js';
import { CLIENT_BIN } from './support/run_client_cli.js';

/**
 * C-7: with no secret in the environment or on stdin, `keygate-client header` run in a
 * terminal prompts for the secret without echoing it. A pseudo-terminal comes from Python's
 * `pty` module (the test types the secret like a person would).
 */
const run = promisify(execFile);
const pythonAvailable = requireOrSkip('python3', hasCommand('python3'));

/** Runs argv in a pty, answers the first "<prompt>: " with a line, returns all terminal output. */
const PTY_DRIVER = `
import os, pty, sys, json
prompt, answer, argv = sys.argv[1].encode(), sys.argv[2].encode(), sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
out = b''
answered = False
while True:
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    if not answered and prompt in out:
        os.write(fd, answer + b'\\r')
        answered = True
_, status = os.waitpid(pid, 0)
print(json.dumps({'output': out.decode('utf-8', 'replace'), 'code': os.waitstatus_to_exitcode(status)}))
`;

let server: TestServer;
let credential: SeededCredential;
beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  server.clock.set(Date.now());
  credential = await seedCredential(server, 'alice', 'acme');
});
afterAll(() => server.close());
// Processes and pages use the real clock: keep the server's frozen clock next to it.
beforeEach(() => {
  if (server) server.clock.set(Date.now());
});

describe.skipIf(!pythonAvailable)('secret prompt on a terminal', () => {
  it('asks for the API secret, does not echo it, and the header works', async () => {
    const { stdout } = await run(
      'python3',
      [
        '-c',
        PTY_DRIVER,
        'API secret: ',
        credential.secret,
        process.execPath,
        CLIENT_BIN,
        'header',
        '--key',
        credential.key,
      ],
      { env: childEnv() },
    );
    const { output, code } = JSON.parse(stdout) as { output: string; code: number };
    expect(code).toBe(0);
    expect(output).toContain('API secret: ');
    expect(output).not.toContain(credential.secret);
    const xWsse = /X-WSSE: (UsernameToken [^\r\n]+)/.exec(output)?.[1] ?? '';
    const response = await get(`${server.url}/api/v1/me`, { 'x-wsse': xWsse });
    expect(response.status).toBe(200);
  });
});
