import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Sdk from '../../../client/src/index.js';
import { chromiumAvailable, launchChromium } from '../support/chromium_browser.js';
import { get } from '../support/http_client.js';
import { childEnv, type ServerProcess, startListeningProcess } from '../support/keygate_process.js';
import { REPO_ROOT } from '../support/repository_files.js';

/**
 * Issue 10 acceptance 2: the packages as npm publishes them. `npm pack` makes the
 * tarballs from the compiled dist/ (vitest.global_setup.ts builds it), and a scratch project
 * outside the repository installs them with plain `npm install --engine-strict` from the
 * registry, so nothing of the workspace (its node_modules, tsx, esbuild, the sources) is
 * within reach. Then the installed packages are used as an integrator and an operator would.
 */
const run = promisify(execFile);
const PACKAGES = [
  'packages/wsse',
  'packages/client',
  'packages/express',
  'packages/fastify',
  'packages/server',
] as const;
const INSTALL_TIMEOUT_MS = 10 * 60_000;
const available = chromiumAvailable();

/** The browser page: loads the bundled client as a module and hands it to the test. */
const SMOKE_PAGE = `<!doctype html><title>smoke</title>
<script type="module">
import * as sdk from '/smoke/client.js';
window.keygate = sdk;
</script>`;

/** Each installed package and one compiled file it must contain. */
const COMPILED = {
  keygate: 'dist/cli/main.js',
  '@keygate/client': 'dist/index.d.ts',
  '@keygate/express': 'dist/index.js',
  '@keygate/fastify': 'dist/index.js',
  '@keygate/wsse': 'dist/index.js',
} as const;

/** Holds the tarballs and the scratch project; removed afterwards. */
let workDir: string;
/** The scratch project the tarballs are installed into. */
let scratch: string;
let server: ServerProcess;
let credential: { key: string; secret: string };
let serverVersion: string;

/** Runs a command in the scratch project with the test's clean environment. */
function inScratch(command: string, args: readonly string[]) {
  return run(command, [...args], { cwd: scratch, env: childEnv(), maxBuffer: 16 * 1024 * 1024 });
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'keygate-tarballs-'));
  const tarballs = join(workDir, 'tarballs');
  await mkdir(tarballs);
  const packed = await run(
    'npm',
    ['pack', '--json', '--pack-destination', tarballs, ...PACKAGES.flatMap((p) => ['-w', p])],
    { cwd: REPO_ROOT, env: childEnv() },
  );
  const files = (JSON.parse(packed.stdout) as { filename: string }[]).map((t) =>
    join(tarballs, t.filename),
  );
  expect(files).toHaveLength(PACKAGES.length);
  const project = join(workDir, 'project');
  await mkdir(project);
  scratch = project;
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: 'keygate-smoke', private: true, type: 'module' }),
  );
  // --engine-strict: a dependency that needs a newer Node.js (EBADENGINE) fails the install.
  // The adapters come second, as an integrator adds them to a project that has keygate or
  // fastify already: installed together, npm resolves their fastify peer before keygate's
  // light-my-request pin, and the newest light-my-request needs Node.js 22.
  const adapters = files.filter((file) => /keygate-(express|fastify)-/.test(file));
  const install = (tarballs: string[]) =>
    inScratch('npm', ['install', '--engine-strict', '--no-audit', '--no-fund', ...tarballs]);
  await install(files.filter((file) => !adapters.includes(file)));
  await install(adapters);
  const manifest = join(project, 'node_modules', 'keygate', 'package.json');
  serverVersion = (JSON.parse(await readFile(manifest, 'utf8')) as { version: string }).version;

  server = await startListeningProcess(
    'npx',
    ['keygate', 'serve', '--port', '0', '--data-dir', join(project, 'data')],
    { cwd: project, timeoutMs: 60_000 },
  );
  const generated = await inScratch('npx', [
    'keygate',
    '--data-dir',
    join(project, 'data'),
    'apikey',
    'generate',
    '--user',
    'admin',
    '--org',
    'default',
    '--json',
  ]);
  credential = JSON.parse(generated.stdout) as { key: string; secret: string };
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
  await server?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('the packed tarballs installed outside the repository', () => {
  it('install compiled code only: no TypeScript sources, no tsx or esbuild', () => {
    const modules = join(scratch, 'node_modules');
    for (const [name, compiled] of Object.entries(COMPILED)) {
      expect(existsSync(join(modules, name, compiled))).toBe(true);
      expect(existsSync(join(modules, name, 'src'))).toBe(false);
      expect(existsSync(join(modules, name, 'LICENSE'))).toBe(true);
    }
    expect(existsSync(join(modules, 'tsx'))).toBe(false);
    expect(existsSync(join(modules, 'esbuild'))).toBe(false);
  });

  it('(c) npx keygate serve answers /healthz and keygate --version prints the version', async () => {
    expect((await get(`${server.url}/healthz`)).status).toBe(200);
    const version = await inScratch('npx', ['keygate', '--version']);
    expect(version.stdout).toBe(`${serverVersion}\n`);
    expect(serverVersion).toBe('0.1.0');
  });

  it('(a) a plain .mjs file imports both packages and its WSSE header is accepted', async () => {
    const script = join(scratch, 'me.mjs');
    await writeFile(
      script,
      `import { createKeygateClient, wsse } from '@keygate/client';
import { createUsernameToken, WSSE_AUTHORIZATION_HEADER } from '@keygate/wsse';

const [baseUrl, key, secret] = process.argv.slice(2);
const { header } = await createUsernameToken({ username: key, secret });
const direct = await fetch(baseUrl + '/api/v1/me', {
  headers: { authorization: WSSE_AUTHORIZATION_HEADER, 'x-wsse': header },
});
const client = createKeygateClient({ baseUrl, auth: wsse({ key, secret }) });
const me = await client.json('GET', '/api/v1/me');
console.log(JSON.stringify({ status: direct.status, header, me }));
`,
    );
    const { stdout } = await inScratch(process.execPath, [
      script,
      server.url,
      credential.key,
      credential.secret,
    ]);
    const outcome = JSON.parse(stdout) as { status: number; header: string; me: unknown };
    expect(outcome.status).toBe(200);
    expect(outcome.header).toMatch(/^UsernameToken Username="/);
    expect(outcome.me).toMatchObject({ scheme: 'wsse', user: { login: 'admin' } });
  });

  it('(d) the Express middleware and the Fastify plugin accept a WSSE header (R-4)', async () => {
    const script = join(scratch, 'resource_servers.mjs');
    await writeFile(
      script,
      `import { keygateAuth as expressAuth } from '@keygate/express';
import { keygateAuth as fastifyAuth } from '@keygate/fastify';
import { createUsernameToken } from '@keygate/wsse';
import express from 'express';
import Fastify from 'fastify';

const [issuer, key, secret] = process.argv.slice(2);
const expressApp = express();
expressApp.use(expressAuth({ issuer }));
expressApp.get('/me', (req, res) => res.json(req.auth));
const expressServer = await new Promise((resolve) => {
  const listening = expressApp.listen(0, '127.0.0.1', () => resolve(listening));
});
const fastifyApp = Fastify();
await fastifyApp.register(fastifyAuth, { issuer, authenticateAll: true });
fastifyApp.get('/me', async (request) => request.auth);
const fastifyUrl = await fastifyApp.listen({ port: 0, host: '127.0.0.1' });
const urls = ['http://127.0.0.1:' + expressServer.address().port, fastifyUrl];
const answers = [];
for (const url of urls) {
  const { header } = await createUsernameToken({ username: key, secret });
  const response = await fetch(url + '/me', { headers: { 'x-wsse': header } });
  answers.push({ status: response.status, principal: await response.json() });
}
expressServer.close();
await fastifyApp.close();
console.log(JSON.stringify(answers));
`,
    );
    const { stdout } = await inScratch(process.execPath, [
      script,
      server.url,
      credential.key,
      credential.secret,
    ]);
    const answers = JSON.parse(stdout) as { status: number; principal: unknown }[];
    expect(answers).toHaveLength(2);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.principal).toMatchObject({ scheme: 'wsse', user: { login: 'admin' } });
    }
  });

  describe.skipIf(!available)('(b) in headless Chromium', () => {
    let browser: Browser;
    afterAll(async () => {
      await browser?.close();
    });

    it('the installed client, bundled for browsers, makes a header the server accepts', async () => {
      const bundled = await build({
        stdin: { contents: "export * from '@keygate/client';", resolveDir: scratch },
        bundle: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        write: false,
        logLevel: 'silent',
      });
      const bundle = bundled.outputFiles[0]?.text ?? '';
      expect(bundle).toContain('createKeygateClient');
      browser = await launchChromium();
      const page = await browser.newPage();
      await page.route(`${server.url}/smoke/**`, (route) =>
        new URL(route.request().url()).pathname === '/smoke/client.js'
          ? route.fulfill({ contentType: 'text/javascript', body: bundle })
          : route.fulfill({ contentType: 'text/html', body: SMOKE_PAGE }),
      );
      await page.goto(`${server.url}/smoke/index.html`);
      await page.waitForFunction(() => 'keygate' in window);
      const outcome = await page.evaluate(async ({ key, secret }) => {
        const sdk = (window as unknown as { keygate: typeof Sdk }).keygate;
        const auth = sdk.wsse({ key, secret });
        const client = sdk.createKeygateClient({ baseUrl: location.origin, auth });
        const me = await client.json('GET', '/api/v1/me');
        const headers = await auth.headers({
          baseUrl: location.origin,
          fetch: fetch.bind(globalThis),
          now: Date.now,
        });
        return { me, headers, userAgent: navigator.userAgent };
      }, credential);
      expect(outcome.userAgent).toMatch(/HeadlessChrome/);
      expect(outcome.me).toMatchObject({ scheme: 'wsse', user: { login: 'admin' } });
      // The header made in the page, sent from here: accepted too (its nonce is unused).
      const response = await get(`${server.url}/api/v1/me`, outcome.headers);
      expect(response.status).toBe(200);
    });
  });
});
