import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWsseHeader } from '@keygate/wsse';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { get } from '../support/http_client.js';
import { type ServerProcess, startKeygateProcess } from '../support/keygate_process.js';
import { runCliInProcess } from '../support/run_cli_in_process.js';

/** W-11: `keygate wsse generate-header` and `keygate wsse nonces delete` against a running server. */
let dataDir: string;
let server: ServerProcess;
let key: string;
const env = () => ({ KEYGATE_DATA_DIR: dataDir });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'keygate-wsse-cli-'));
  server = await startKeygateProcess([], { env: env() });
  const generated = await runCliInProcess(
    ['apikey', 'generate', '--user', 'admin', '--org', 'default', '--json'],
    { env: env() },
  );
  key = (JSON.parse(generated.stdout) as { key: string }).key;
});
afterAll(async () => {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
});

it('generate-header prints curl-ready lines that the server accepts, once', async () => {
  const result = await runCliInProcess(['wsse', 'generate-header', key], { env: env() });
  expect(result.code).toBe(0);
  const lines = result.stdout.trim().split('\n');
  expect(lines[0]).toBe('Authorization: WSSE profile="UsernameToken"');
  expect(lines[1]).toMatch(/^X-WSSE: UsernameToken Username="[0-9a-f]{32}", PasswordDigest="/);
  const xWsse = (lines[1] ?? '').slice('X-WSSE: '.length);
  const response = await get(`${server.url}/api/v1/me`, {
    Authorization: 'WSSE profile="UsernameToken"',
    'X-WSSE': xWsse,
  });
  expect(response.status).toBe(200);
  expect(response.json).toMatchObject({
    user: { login: 'admin' },
    organization: { name: 'default' },
  });
  expect((await get(`${server.url}/api/v1/me`, { 'X-WSSE': xWsse })).status).toBe(401);
});

it('generate-header --login makes an OroPlatform-style header', async () => {
  const result = await runCliInProcess(['wsse', 'generate-header', key, '--login', '--json'], {
    env: env(),
  });
  const printed = JSON.parse(result.stdout) as { x_wsse: string; username: string };
  expect(printed.username).toBe('admin');
  expect(parseWsseHeader(printed.x_wsse)).toMatchObject({ ok: true, token: { username: 'admin' } });
  expect((await get(`${server.url}/api/v1/me`, { 'X-WSSE': printed.x_wsse })).status).toBe(200);
});

it('nonces delete empties the replay store and says how many records it dropped', async () => {
  const generated = await runCliInProcess(['wsse', 'generate-header', key, '--json'], {
    env: env(),
  });
  const header = (JSON.parse(generated.stdout) as { x_wsse: string }).x_wsse;
  expect((await get(`${server.url}/api/v1/me`, { 'X-WSSE': header })).status).toBe(200);
  expect((await get(`${server.url}/api/v1/me`, { 'X-WSSE': header })).status).toBe(401);

  const deleted = await runCliInProcess(['wsse', 'nonces', 'delete'], { env: env() });
  expect(deleted.code).toBe(0);
  expect(deleted.stdout).toMatch(/^deleted [1-9]\d* nonce records?\n$/);
  // The replay store is empty, so the same header is accepted again (what the command is for).
  expect((await get(`${server.url}/api/v1/me`, { 'X-WSSE': header })).status).toBe(200);
  const again = await runCliInProcess(['wsse', 'nonces', 'delete', '--json'], { env: env() });
  expect(JSON.parse(again.stdout)).toEqual({ deleted: 1 });
});

it('generate-header for an unknown key fails with one line', async () => {
  const result = await runCliInProcess(['wsse', 'generate-header', 'nope'], { env: env() });
  expect(result.code).toBe(1);
  expect(result.stderr).toBe('keygate: no API key "nope"\n');
});
