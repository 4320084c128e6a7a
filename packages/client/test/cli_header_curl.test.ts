import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hasCommand, requireOrSkip } from '../../server/test/support/external_tools.js';
import { get } from '../../server/test/support/http_client.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
} from '../../server/test/support/start_test_server.js';
import { CLIENT_BIN, runClientProcess } from './support/run_client_cli.js';

/**
 * Issue 4 acceptance 8 (C-7): `keygate-client header` run as a real process prints lines that,
 * pasted as headers into curl (and a curl-equivalent request from Node), authenticate.
 */
const run = promisify(execFile);
const curlAvailable = requireOrSkip('curl', hasCommand('curl'));

let server: TestServer;
let credential: SeededCredential;
beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  // The CLI process uses the real clock.
  server.clock.set(Date.now());
  credential = await seedCredential(server, 'alice', 'acme');
});
afterAll(() => server.close());
// Processes and pages use the real clock: keep the server's frozen clock next to it.
beforeEach(() => {
  if (server) server.clock.set(Date.now());
});

async function headerLines(): Promise<string[]> {
  const result = await runClientProcess(['header', '--key', credential.key], {
    env: { KEYGATE_SECRET: credential.secret },
  });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const lines = result.stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toBe('Authorization: WSSE profile="UsernameToken"');
  expect(lines[1]).toMatch(/^X-WSSE: UsernameToken Username="[^"]+", PasswordDigest="/);
  return lines;
}

describe('keygate-client header → curl (acceptance 8)', () => {
  it.skipIf(!curlAvailable)(
    'both lines passed to curl -H authenticate GET /api/v1/me',
    async () => {
      const lines = await headerLines();
      const { stdout } = await run('curl', [
        '-sS',
        '-w',
        '\n%{http_code}',
        ...lines.flatMap((line) => ['-H', line]),
        `${server.url}/api/v1/me`,
      ]);
      const [body = '', status] = stdout.split('\n');
      expect(status).toBe('200');
      expect(JSON.parse(body)).toMatchObject({ scheme: 'wsse', user: { login: 'alice' } });
    },
  );

  it.skipIf(!curlAvailable)(
    'the documented way: only the X-WSSE line, picked with grep, in a shell',
    async () => {
      const { stdout } = await run(
        'sh',
        [
          '-c',
          `curl -sS -H "$(node "$CLIENT" header --key "$KEY" | grep '^X-WSSE:')" "$URL/api/v1/me"`,
        ],
        {
          env: {
            ...process.env,
            CLIENT: CLIENT_BIN,
            KEY: credential.key,
            KEYGATE_SECRET: credential.secret,
            URL: server.url,
          },
        },
      );
      expect(JSON.parse(stdout)).toMatchObject({ scheme: 'wsse', user: { login: 'alice' } });
    },
  );

  it('the same lines as headers of a Node request (curl-equivalent): 200, and a replay 401', async () => {
    const lines = await headerLines();
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const at = line.indexOf(': ');
      headers[line.slice(0, at)] = line.slice(at + 2);
    }
    const first = await get(`${server.url}/api/v1/me`, headers);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ scheme: 'wsse', credential: { key: credential.key } });
    const replay = await get(`${server.url}/api/v1/me`, headers);
    expect(replay.status).toBe(401);
    expect(replay.json).toMatchObject({ error: 'nonce_replayed' });
  });

  it('a wrong secret yields headers the server refuses', async () => {
    const result = await runClientProcess(['header', '--key', credential.key, '--secret-stdin'], {
      input: 'wrong-secret\n',
    });
    expect(result.code).toBe(0);
    const xWsse = result.stdout.split('\n')[1]?.replace(/^X-WSSE: /, '') ?? '';
    const response = await get(`${server.url}/api/v1/me`, { 'x-wsse': xWsse });
    expect(response.status).toBe(401);
    expect(response.json).toMatchObject({ error: 'invalid_credentials' });
  });
});
