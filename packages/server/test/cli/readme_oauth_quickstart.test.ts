import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findFreePort } from '../../src/runtime/find_free_port.js';
import { docBlock } from '../support/doc_block.js';
import { authorizeThroughForms } from '../support/form_browser.js';
import { childEnv, type ServerProcess, startListeningProcess } from '../support/keygate_process.js';
import { REPO_ROOT } from '../support/repository_files.js';

/**
 * The OAuth issue's README item: a newcomer can follow the README's "OAuth 2.0 quick start"
 * with curl and a browser (O-1, O-3..O-6, O-9, R-1). This starts the server with `npm start`
 * and runs the section's shell blocks verbatim, in order, as one reader's shell would: the
 * variables a block sets are handed to the next one, the one value the reader pastes (`<code>`,
 * from the browser's address bar) is filled in, and the browser step (sign in, allow) is done
 * by the form browser through keygate's real pages. Only the data directory (env) and the port
 * (8080 rewritten to a free one) differ.
 */
let workDir: string;
let port: number;
let server: ServerProcess;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'keygate-readme-oauth-'));
  port = await findFreePort('127.0.0.1');
  server = await startListeningProcess('npm', ['start'], {
    cwd: REPO_ROOT,
    env: { KEYGATE_DATA_DIR: join(workDir, 'data'), KEYGATE_PORT: String(port) },
  });
});
afterAll(async () => {
  await server?.stop();
  await rm(workDir, { recursive: true, force: true });
});

/** The variables the reader's shell holds between blocks. */
type Shell = Record<string, string>;

/**
 * Runs README blocks in one bash, with the variables of earlier blocks set and the pasted
 * values filled in (no placeholder may be left over). Returns the output and the variables
 * named in `keep`, as the blocks left them, for the next step.
 */
async function runBlocks(
  markers: readonly string[],
  shell: Shell,
  options: { pasted?: Record<string, string>; keep?: readonly string[] } = {},
): Promise<{ stdout: string; shell: Shell }> {
  let script = markers
    .map((marker) => docBlock('README.md', marker))
    .join('')
    .replaceAll('127.0.0.1:8080', `127.0.0.1:${port}`);
  for (const [placeholder, value] of Object.entries(options.pasted ?? {})) {
    expect(script).toContain(`<${placeholder}>`);
    script = script.replaceAll(`<${placeholder}>`, value);
  }
  expect(script).not.toMatch(/<[a-z_]+>/);
  const kept = join(workDir, 'shell');
  const keep = options.keep ?? [];
  // Not from the README: how the test reads the shell's variables afterwards.
  const trailer = keep.map((name) => `printf '%s=%s\\n' ${name} "$${name}" >> ${kept}\n`).join('');
  await rm(kept, { force: true });
  const { stdout } = await promisify(execFile)(
    'bash',
    ['-euo', 'pipefail', '-c', `${script}${trailer}`],
    { cwd: REPO_ROOT, env: childEnv({ KEYGATE_DATA_DIR: join(workDir, 'data'), ...shell }) },
  );
  const lines = keep.length === 0 ? [] : (await readFile(kept, 'utf8')).trim().split('\n');
  const after = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return { stdout, shell: { ...shell, ...after } };
}

function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

it("the README's OAuth quick start works as written: code + PKCE, Bearer call, refresh", async () => {
  // 1. A user with a password, a client through the CLI's JSON, the PKCE pair and the URL.
  const user = /printf '(.+)\\n' \| npx keygate user create (\S+) /.exec(
    docBlock('README.md', 'oauth-setup'),
  );
  expect(user).not.toBeNull();
  const [, password = '', login = ''] = user ?? [];
  const authorize = await runBlocks(
    ['oauth-setup', 'oauth-authorize'],
    {},
    {
      keep: ['CLIENT_ID', 'CLIENT_SECRET', 'VERIFIER'],
    },
  );
  let shell = authorize.shell;
  expect(shell.CLIENT_ID).toMatch(/^[0-9a-f]{32}$/);
  expect(shell.CLIENT_SECRET).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(shell.VERIFIER).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const authorizeUrl = /^(http:\/\/\S+)$/m.exec(authorize.stdout)?.[1] ?? '';
  expect(new URL(authorizeUrl).searchParams.get('client_id')).toBe(shell.CLIENT_ID);

  // 2. The browser: sign in as the README's user, allow, read the code off the redirect.
  const { redirect } = await authorizeThroughForms(authorizeUrl, { login, password });
  expect(`${redirect.origin}${redirect.pathname}`).toBe('http://127.0.0.1:3000/callback');
  expect(redirect.searchParams.get('state')).toBe('xyz');
  const code = redirect.searchParams.get('code') ?? '';
  expect(code).not.toBe('');

  // 3. The code exchange, in the same shell; it keeps both tokens in variables.
  const exchanged = await runBlocks(['oauth-token'], shell, {
    pasted: { code },
    keep: ['ACCESS_TOKEN', 'REFRESH_TOKEN'],
  });
  shell = exchanged.shell;
  const [tokens] = jsonLines(exchanged.stdout);
  expect(Object.keys(tokens ?? {}).sort()).toEqual(
    [
      'access_token',
      'access_token_expires_at',
      'expires_in',
      'refresh_token',
      'refresh_token_expires_at',
      'scope',
      'token_type',
    ].sort(),
  );
  expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'documents:read' });
  expect(shell.ACCESS_TOKEN).toBe(tokens?.access_token);
  expect(shell.REFRESH_TOKEN).toBe(tokens?.refresh_token);

  // 4. The Bearer call and the refresh.
  const [me, refreshed] = jsonLines((await runBlocks(['oauth-use'], shell)).stdout);
  expect(me).toMatchObject({
    user: { login },
    organization: { name: 'default' },
    client: { id: shell.CLIENT_ID },
    scopes: ['documents:read'],
    scheme: 'bearer',
  });
  expect(refreshed).toMatchObject({ token_type: 'bearer', scope: 'documents:read' });
  expect(refreshed?.refresh_token).toEqual(expect.any(String));
  expect(refreshed?.refresh_token).not.toBe(shell.REFRESH_TOKEN);

  // "Each refresh token works once … presenting a used one again revokes the whole family,
  // and its access tokens stop working": the same block run again, then once more.
  const [stillLive, reused] = jsonLines((await runBlocks(['oauth-use'], shell)).stdout);
  expect(stillLive).toMatchObject({ scheme: 'bearer' });
  expect(reused).toMatchObject({ error: 'invalid_grant' });
  const [revoked, again] = jsonLines((await runBlocks(['oauth-use'], shell)).stdout);
  expect(revoked).toMatchObject({ error: 'invalid_token' });
  expect(again).toMatchObject({ error: 'invalid_grant' });
});
