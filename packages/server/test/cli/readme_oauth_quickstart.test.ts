import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { authorizeThroughForms } from '../support/form_browser.js';
import { childEnv, type ServerProcess, startListeningProcess } from '../support/keygate_process.js';

/**
 * The OAuth issue's README item: a newcomer can follow the README's "OAuth 2.0 quick start"
 * with curl and a browser (O-1, O-3..O-6, O-9, R-1). This starts the server with `npm start`
 * and runs the section's shell blocks verbatim, in order, as one reader's shell would: the
 * values the reader pastes (`<client_id>`, `<code>`, …) are filled in from the previous
 * step's output, the variables a block sets are handed to the next one, and the browser step
 * (sign in, allow) is done by the form browser through keygate's real pages. Only the data
 * directory (env) and the port (8080 rewritten to a free one) differ.
 */
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

function block(marker: string): string {
  const match = new RegExp(
    `<!-- readme-test:${marker} -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\`\\s*<!-- /readme-test:${marker} -->`,
  ).exec(readme);
  if (!match?.[1]) throw new Error(`README block ${marker} not found`);
  return match[1];
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

let workDir: string;
let port: number;
let server: ServerProcess;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'keygate-readme-oauth-'));
  port = await freePort();
  server = await startListeningProcess('npm', ['start'], {
    cwd: repoRoot,
    env: { KEYGATE_DATA_DIR: join(workDir, 'data'), KEYGATE_PORT: String(port) },
  });
});
afterAll(async () => {
  await server?.stop();
  await rm(workDir, { recursive: true, force: true });
});

/**
 * Runs a README block in bash with the reader's pasted values filled in and the shell
 * variables of earlier blocks set; the block must not contain a placeholder left unfilled.
 */
async function runBlock(
  marker: string,
  pasted: Record<string, string>,
  variables: Record<string, string> = {},
  trailer = '',
): Promise<string> {
  let script = block(marker).replaceAll('127.0.0.1:8080', `127.0.0.1:${port}`);
  for (const [placeholder, value] of Object.entries(pasted)) {
    expect(script).toContain(`<${placeholder}>`);
    script = script.replaceAll(`<${placeholder}>`, value);
  }
  expect(script).not.toMatch(/<[a-z_]+>/);
  const { stdout } = await promisify(execFile)(
    'bash',
    ['-euo', 'pipefail', '-c', `${script}${trailer}`],
    {
      cwd: repoRoot,
      env: childEnv({ KEYGATE_DATA_DIR: join(workDir, 'data'), ...variables }),
    },
  );
  return stdout;
}

function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

it("the README's OAuth quick start works as written: code + PKCE, Bearer call, refresh", async () => {
  // 1. A user with a password and a client, through the CLI.
  const setup = block('oauth-setup');
  const user = /printf '(.+)\\n' \| npx keygate user create (\S+) /.exec(setup);
  expect(user).not.toBeNull();
  const [, password = '', login = ''] = user ?? [];
  const created = await runBlock('oauth-setup', {});
  const clientId = /client_id:\s+(\S+)/.exec(created)?.[1] ?? '';
  const clientSecret = /client_secret:\s+(\S+)/.exec(created)?.[1] ?? '';
  expect(clientId).not.toBe('');
  expect(clientSecret).not.toBe('');

  // 2. The PKCE pair and the authorization URL; the reader's shell keeps VERIFIER.
  const authorizeOut = await runBlock(
    'oauth-authorize',
    { client_id: clientId, client_secret: clientSecret },
    {},
    '\nprintf "VERIFIER=%s\\n" "$VERIFIER"',
  );
  const authorizeUrl = /^(http:\/\/\S+)$/m.exec(authorizeOut)?.[1] ?? '';
  const verifier = /^VERIFIER=(\S+)$/m.exec(authorizeOut)?.[1] ?? '';
  expect(new URL(authorizeUrl).searchParams.get('client_id')).toBe(clientId);
  expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);

  // 3. The browser: sign in as the README's user, allow, read the code off the redirect.
  const { redirect } = await authorizeThroughForms(authorizeUrl, { login, password });
  expect(`${redirect.origin}${redirect.pathname}`).toBe('http://127.0.0.1:3000/callback');
  expect(redirect.searchParams.get('state')).toBe('xyz');
  const code = redirect.searchParams.get('code') ?? '';
  expect(code).not.toBe('');

  // 4. The code exchange, in the same shell (CLIENT_ID, CLIENT_SECRET and VERIFIER set).
  const shell = { CLIENT_ID: clientId, CLIENT_SECRET: clientSecret, VERIFIER: verifier };
  const [tokens] = jsonLines(await runBlock('oauth-token', { code }, shell));
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
  const accessToken = String(tokens?.access_token);
  const refreshToken = String(tokens?.refresh_token);

  // 5. The Bearer call and the refresh.
  const pasted = { access_token: accessToken, refresh_token: refreshToken };
  const [me, refreshed] = jsonLines(await runBlock('oauth-use', pasted, shell));
  expect(me).toMatchObject({
    user: { login },
    organization: { name: 'default' },
    client: { id: clientId },
    scopes: ['documents:read'],
    scheme: 'bearer',
  });
  expect(refreshed).toMatchObject({ token_type: 'bearer', scope: 'documents:read' });
  expect(refreshed?.refresh_token).toEqual(expect.any(String));
  expect(refreshed?.refresh_token).not.toBe(refreshToken);

  // "Each refresh token works once … presenting a used one again revokes the whole family,
  // and its access tokens stop working": the same block pasted again, then once more.
  const [stillLive, reused] = jsonLines(await runBlock('oauth-use', pasted, shell));
  expect(stillLive).toMatchObject({ scheme: 'bearer' });
  expect(reused).toMatchObject({ error: 'invalid_grant' });
  const [revoked, again] = jsonLines(await runBlock('oauth-use', pasted, shell));
  expect(revoked).toMatchObject({ error: 'invalid_token' });
  expect(again).toMatchObject({ error: 'invalid_grant' });
});
