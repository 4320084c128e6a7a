import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startKeygateProcess } from '../support/keygate_process.js';
import { runCliInProcess } from '../support/run_cli_in_process.js';
import { postToken } from '../support/token_client.js';

/** O-1, O-2: `keygate client create|list|show|update|reset-secret|delete`. */
let dataDir: string;
let env: Record<string, string>;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'keygate-client-cli-'));
  env = { KEYGATE_DATA_DIR: dataDir };
  expect((await runCliInProcess(['migrate'], { env })).code).toBe(0);
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const cli = (args: string[]) => runCliInProcess(args, { env });
const createPublicClient = () =>
  cli([
    'client',
    'create',
    'SPA',
    '--public',
    '--redirect-uri',
    'http://127.0.0.1:5173/',
    '--json',
  ]);

it('create prints the client id and a one-time secret; list and show never show the secret', async () => {
  const created = await cli([
    'client',
    'create',
    'Billing',
    '--redirect-uri',
    'http://localhost:3000/cb?x=1',
    '--scope',
    'documents:read',
    '--json',
  ]);
  expect(created.code, created.stderr).toBe(0);
  const { client_id, client_secret } = JSON.parse(created.stdout) as Record<string, string>;
  expect(client_secret?.length).toBeGreaterThanOrEqual(43);
  const listed = await cli(['client', 'list', '--json']);
  expect(listed.stdout).toContain(client_id ?? '');
  expect(listed.stdout).not.toContain(client_secret ?? '');
  const shown = JSON.parse((await cli(['client', 'show', client_id ?? '', '--json'])).stdout);
  expect(shown).toMatchObject({
    type: 'confidential',
    redirect_uris: ['http://localhost:3000/cb?x=1'],
    grant_types: ['authorization_code', 'refresh_token'],
    scopes: ['documents:read'],
    require_pkce: true,
  });
});

it('public clients get no secret and cannot opt out of PKCE', async () => {
  const created = await createPublicClient();
  expect(JSON.parse(created.stdout)).toMatchObject({ client_secret: null });
  const refused = await cli([
    'client',
    'create',
    'SPA2',
    '--public',
    '--no-pkce',
    '--redirect-uri',
    'http://127.0.0.1:5173/',
  ]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/PKCE/);
  const noApiKeys = await cli(['client', 'create', 'SPA3', '--public', '--grant', 'api_keys']);
  expect(noApiKeys.code).toBe(1);
  expect(noApiKeys.stderr).toMatch(/public client cannot use the api_keys grant/);
});

it.each([
  ['a fragment', 'http://localhost/cb#x', /fragment/],
  ['a wildcard', 'https://*.example.com/cb', /wildcard/],
  ['a relative URI', '/cb', /absolute/],
  ['another scheme', 'javascript:alert(1)', /http or https/],
  [
    'a CR/LF inside',
    'http://127.0.0.1:3000/cb\r\nLocation: https://evil.example/',
    /^keygate: redirect URI "http:\/\/127\.0\.0\.1:3000\/cb\\r\\nLocation: https:\/\/evil\.example\/" must not contain whitespace or control characters\n$/,
  ],
  [
    'a ../ path',
    'http://127.0.0.1:3000/callback/../admin',
    /must not contain "\." or "\.\." path segments/,
  ],
  ['a %2e%2e/ path', 'http://127.0.0.1:3000/callback/%2e%2e/admin', /"\." or "\.\." path segments/],
  ['a backslash', 'http://127.0.0.1:3000/cb\\admin', /must not contain a backslash/],
  ['userinfo', 'https://me@app.example/cb', /must not contain credentials/],
  [
    'an upper-case scheme',
    'HTTP://127.0.0.1:3000/Callback',
    /is not in canonical form: register http:\/\/127\.0\.0\.1:3000\/Callback instead/,
  ],
  ['an origin without its /', 'https://app.example', /register https:\/\/app\.example\/ instead/],
])('registration rejects %s', async (_label, uri, message) => {
  const result = await cli(['client', 'create', 'Bad', '--redirect-uri', uri]);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(message);
  expect((await cli(['client', 'list', '--json'])).stdout).not.toContain('"Bad"');
});

it('update refuses a redirect URI a URL parser would rewrite, and keeps the old one', async () => {
  const created = await cli([
    'client',
    'create',
    'App',
    '--redirect-uri',
    'http://localhost/cb',
    '--json',
  ]);
  const { client_id } = JSON.parse(created.stdout) as { client_id: string };
  const refused = await cli([
    'client',
    'update',
    client_id,
    '--redirect-uri',
    'http://localhost/cb/./x',
  ]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/must not contain "\." or "\.\." path segments/);
  const shown = JSON.parse((await cli(['client', 'show', client_id, '--json'])).stdout);
  expect(shown).toMatchObject({ redirect_uris: ['http://localhost/cb'] });
});

it('update and delete', async () => {
  const created = await cli([
    'client',
    'create',
    'App',
    '--redirect-uri',
    'http://localhost/cb',
    '--json',
  ]);
  const { client_id } = JSON.parse(created.stdout) as { client_id: string };
  const updated = await cli([
    'client',
    'update',
    client_id,
    '--scope',
    'a',
    '--scope',
    'b',
    '--skip-consent',
    '--json',
  ]);
  expect(JSON.parse(updated.stdout)).toMatchObject({ scopes: ['a', 'b'], skip_consent: true });
  expect((await cli(['client', 'delete', client_id])).code).toBe(0);
  const gone = await cli(['client', 'show', client_id]);
  expect(gone.code).toBe(1);
  expect(gone.stderr).toBe(`keygate: no OAuth client "${client_id}"\n`);
});

it('--introspect lets a confidential client introspect any token; update sets and clears it; public clients cannot have it', async () => {
  const created = await cli([
    'client',
    'create',
    'Documents API',
    '--grant',
    'client_credentials',
    '--introspect',
    '--json',
  ]);
  expect(created.code, created.stderr).toBe(0);
  const { client_id } = JSON.parse(created.stdout) as { client_id: string };
  const show = async () => JSON.parse((await cli(['client', 'show', client_id, '--json'])).stdout);
  expect(await show()).toMatchObject({ introspect_any_token: true });
  expect((await cli(['client', 'update', client_id, '--no-introspect'])).code).toBe(0);
  expect(await show()).toMatchObject({ introspect_any_token: false });
  expect((await cli(['client', 'update', client_id, '--name', 'Docs'])).code).toBe(0);
  expect(await show()).toMatchObject({ name: 'Docs', introspect_any_token: false });
  expect((await cli(['client', 'update', client_id, '--introspect'])).code).toBe(0);
  expect(await show()).toMatchObject({ introspect_any_token: true });

  const plain = await cli([
    'client',
    'create',
    'App',
    '--redirect-uri',
    'http://localhost/cb',
    '--json',
  ]);
  const plainId = (JSON.parse(plain.stdout) as { client_id: string }).client_id;
  expect(JSON.parse((await cli(['client', 'show', plainId, '--json'])).stdout)).toMatchObject({
    introspect_any_token: false,
  });

  const publicClient = await cli([
    'client',
    'create',
    'SPA',
    '--public',
    '--introspect',
    '--redirect-uri',
    'http://127.0.0.1:5173/',
  ]);
  expect(publicClient.code).toBe(1);
  expect(publicClient.stderr).toBe(
    'keygate: a public client cannot introspect tokens (it has no secret)\n',
  );
});

it('reset-secret prints a new one-time secret; the token endpoint refuses the old one and accepts it', async () => {
  const server = await startKeygateProcess([], { env });
  try {
    const created = await cli([
      'client',
      'create',
      'Worker',
      '--grant',
      'client_credentials',
      '--scope',
      'documents:read',
      '--json',
    ]);
    const { client_id, client_secret: oldSecret } = JSON.parse(created.stdout) as {
      client_id: string;
      client_secret: string;
    };
    const token = (secret: string) =>
      postToken(server, {
        grant_type: 'client_credentials',
        client_id,
        client_secret: secret,
        scope: 'documents:read',
      });
    expect((await token(oldSecret)).status).toBe(200);

    const reset = await cli(['client', 'reset-secret', client_id]);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toContain(`client_id:     ${client_id}\n`);
    expect(reset.stdout).toContain(
      'The secret is shown only this once: store it now. keygate keeps only its hash.',
    );
    const newSecret = /^client_secret: (\S+)$/m.exec(reset.stdout)?.[1] ?? '';
    expect(newSecret.length).toBeGreaterThanOrEqual(43);
    expect(newSecret).not.toBe(oldSecret);
    const refused = await token(oldSecret);
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ error: 'invalid_client' });
    expect((await token(newSecret)).status).toBe(200);

    const again = await cli(['client', 'reset-secret', client_id, '--json']);
    const printed = JSON.parse(again.stdout) as { client_id: string; client_secret: string };
    expect(printed.client_id).toBe(client_id);
    expect(printed.client_secret).not.toBe(newSecret);
    expect((await token(newSecret)).status).toBe(401);
    expect((await token(printed.client_secret)).status).toBe(200);
    const shown = await cli(['client', 'show', client_id, '--json']);
    expect(shown.stdout).not.toContain(printed.client_secret);
  } finally {
    await server.stop();
  }
});

it('reset-secret refuses a public client (it has no secret) and an unknown client', async () => {
  const created = await createPublicClient();
  const { client_id } = JSON.parse(created.stdout) as { client_id: string };
  const publicClient = await cli(['client', 'reset-secret', client_id]);
  expect(publicClient.code).toBe(1);
  expect(publicClient.stderr).toBe(
    `keygate: client "${client_id}" is a public client: it has no secret to reset\n`,
  );
  expect(JSON.parse((await cli(['client', 'show', client_id, '--json'])).stdout)).toMatchObject({
    type: 'public',
  });
  const unknown = await cli(['client', 'reset-secret', 'no-such-client']);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toBe('keygate: no OAuth client "no-such-client"\n');
});
