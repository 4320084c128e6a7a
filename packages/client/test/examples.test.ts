import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findFreePort } from '../../server/src/runtime/find_free_port.js';
import { authorizeThroughForms } from '../../server/test/support/form_browser.js';
import { childEnv } from '../../server/test/support/keygate_process.js';
import {
  codeFlowTokens,
  createClient,
  createPasswordUser,
  type TestClient,
  type TestUser,
} from '../../server/test/support/oauth_fixtures.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
} from '../../server/test/support/start_test_server.js';

/**
 * The runnable examples docs/client.md lists (packages/client/examples/*.ts), each run as its
 * own process with tsx against a running server, so the documentation stays true (C-2..C-4,
 * O-10).
 */
const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));
const TSX = fileURLToPath(new URL('../../../node_modules/tsx/dist/cli.mjs', import.meta.url));
const TSC = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));

let server: TestServer;
let credential: SeededCredential;
let user: TestUser;
let scratch: string;
beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  // Example processes use the real clock.
  server.clock.set(Date.now());
  credential = await seedCredential(server, 'alice', 'acme');
  user = await createPasswordUser(server, 'carol', 'acme');
  scratch = await mkdtemp(join(tmpdir(), 'keygate-examples-'));
});
afterAll(async () => {
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});
// Processes and pages use the real clock: keep the server's frozen clock next to it.
beforeEach(() => {
  if (server) server.clock.set(Date.now());
});

function start(example: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [TSX, join(EXAMPLES, example)], {
    env: childEnv({ KEYGATE_URL: server.url, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs an example to its end; returns its exit code and output. */
function runExample(example: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = start(example, env);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function lastJsonLine(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trimEnd().split('\n').at(-1) ?? 'null');
}

describe('packages/client/examples', () => {
  it('typecheck against the SDK (strict, as docs/client.md shows them)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      TSC,
      '-p',
      join(EXAMPLES, 'tsconfig.json'),
      '--noEmit',
    ]);
    expect(stdout).toBe('');
  }, 120_000);

  it('wsse.ts', async () => {
    const result = await runExample('wsse.ts', {
      KEYGATE_KEY: credential.key,
      KEYGATE_SECRET: credential.secret,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(lastJsonLine(result.stdout)).toMatchObject({ scheme: 'wsse', user: { login: 'alice' } });
  });

  it('api_keys.ts', async () => {
    const client = await createClient(server, {
      name: 'Headless',
      redirectUris: [],
      grantTypes: ['api_keys'],
    });
    const result = await runExample('api_keys.ts', {
      KEYGATE_CLIENT_ID: client.clientId,
      KEYGATE_CLIENT_SECRET: client.clientSecret ?? '',
      KEYGATE_KEY: credential.key,
      KEYGATE_SECRET: credential.secret,
    });
    expect(result.code).toBe(0);
    expect(lastJsonLine(result.stdout)).toMatchObject({
      scheme: 'bearer',
      user: { login: 'alice' },
    });
  });

  it('client_credentials.ts', async () => {
    const client = await createClient(server, {
      name: 'Machine',
      redirectUris: [],
      grantTypes: ['client_credentials'],
    });
    const result = await runExample('client_credentials.ts', {
      KEYGATE_CLIENT_ID: client.clientId,
      KEYGATE_CLIENT_SECRET: client.clientSecret ?? '',
    });
    expect(result.code).toBe(0);
    expect(lastJsonLine(result.stdout)).toMatchObject({
      scheme: 'bearer',
      user: null,
      client: { id: client.clientId },
    });
  });

  it('authorization_code.ts: signs in through the login page, then reuses the token file', async () => {
    const port = await findFreePort('127.0.0.1');
    const client: TestClient = await createClient(server, {
      redirectUris: [`http://127.0.0.1:${port}/callback`],
    });
    const tokenFile = join(scratch, 'tokens.json');
    const env = {
      KEYGATE_CLIENT_ID: client.clientId,
      KEYGATE_CLIENT_SECRET: client.clientSecret ?? '',
      KEYGATE_REDIRECT_URI: client.redirectUri,
      KEYGATE_TOKEN_FILE: tokenFile,
    };
    const child = start('authorization_code.ts', env);
    let stdout = '';
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const authorizeUrl = await new Promise<string>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /Open this URL in a browser: (\S+)/.exec(stdout);
        if (match?.[1]) resolve(match[1]);
      });
      child.on('close', () => reject(new Error(`example exited early: ${stdout}`)));
    });
    // The person signs in; the browser then follows the redirect to the example.
    const { redirect } = await authorizeThroughForms(authorizeUrl, user);
    const back = await fetch(redirect);
    expect(await back.text()).toMatch(/Signed in/);
    expect(await exited).toBe(0);
    expect(lastJsonLine(stdout)).toMatchObject({ scheme: 'bearer', user: { login: 'carol' } });
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);

    const second = await runExample('authorization_code.ts', env);
    expect(second.code).toBe(0);
    expect(second.stdout).not.toMatch(/Open this URL/);
    expect(lastJsonLine(second.stdout)).toMatchObject({ user: { login: 'carol' } });
  });

  it('legacy_jwt.ts', async () => {
    const result = await runExample('legacy_jwt.ts', {
      KEYGATE_USERNAME: user.login,
      KEYGATE_PASSWORD: user.password,
    });
    expect(result.code).toBe(0);
    expect(lastJsonLine(result.stdout)).toMatchObject({
      scheme: 'legacy_jwt',
      user: { login: 'carol' },
    });
  });

  it('verify_access_token.ts', async () => {
    const client = await createClient(server);
    const flow = await codeFlowTokens(server, client, user);
    const result = await runExample('verify_access_token.ts', { KEYGATE_TOKEN: flow.accessToken });
    expect(result.code).toBe(0);
    expect(lastJsonLine(result.stdout)).toMatchObject({
      iss: server.config.issuer,
      client_id: client.clientId,
    });
    const forged = await runExample('verify_access_token.ts', {
      KEYGATE_TOKEN: `${flow.accessToken.slice(0, -4)}AAAA`,
    });
    expect(forged.code).not.toBe(0);
    expect(forged.stderr).toMatch(/TokenInvalidError/);
  });
});
