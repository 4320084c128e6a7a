import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../../src/runtime/find_free_port.js';
import { requireOrSkip } from './external_tools.js';
import { readRepositoryFile } from './repository_files.js';
import { waitUntil } from './wait_until.js';

/** The Debian binaries the proxy tests run. */
export const NGINX_BIN = '/usr/sbin/nginx';
export const CADDY_BIN = '/usr/bin/caddy';

/** Where an example configuration points, to be replaced by a test's own addresses. */
export interface ProxyAddresses {
  /** The running keygate, `127.0.0.1:<port>`. */
  readonly keygate: string;
  /** The protected API, `127.0.0.1:<port>`. */
  readonly upstream: string;
}

/** A proxy started from an example configuration, on its own loopback port. */
export interface ReverseProxy {
  /** `http://127.0.0.1:<port>`: where clients connect. */
  readonly url: string;
  /** The process doing the work (nginx runs as one process here), for CPU readings. */
  readonly pid: number;
  /** What the proxy wrote to stderr and its error log so far, for failure messages. */
  readonly output: () => string;
  stop(): Promise<void>;
}

/** The example's placeholder addresses (see the comment at the top of each example). */
const EXAMPLE_KEYGATE = '127.0.0.1:9000';
const EXAMPLE_UPSTREAM = '127.0.0.1:8080';
const EXAMPLE_LISTEN = '127.0.0.1:8000';

/**
 * An example file of the repository with its placeholder addresses replaced. A file without
 * keygate's address (a benchmark's proxy without forward auth) gets `keygate: null`.
 */
export function exampleWith(
  path: string,
  addresses: ProxyAddresses | (Omit<ProxyAddresses, 'keygate'> & { keygate: null }),
  listenPort: number,
): string {
  const text = readRepositoryFile(path);
  const placeholders = [EXAMPLE_UPSTREAM, EXAMPLE_LISTEN];
  if (addresses.keygate !== null) placeholders.push(EXAMPLE_KEYGATE);
  for (const placeholder of placeholders) {
    if (!text.includes(placeholder)) throw new Error(`${path} no longer names ${placeholder}`);
  }
  return text
    .replaceAll(EXAMPLE_KEYGATE, addresses.keygate ?? EXAMPLE_KEYGATE)
    .replaceAll(EXAMPLE_UPSTREAM, addresses.upstream)
    .replaceAll(EXAMPLE_LISTEN, `127.0.0.1:${listenPort}`);
}

/** Whether `binary` is here: says loudly when not, and fails under KEYGATE_REQUIRE_SERVICES=1. */
export function requireProxyBinary(name: string, binary: string): boolean {
  return requireOrSkip(`${name} (${binary}, Debian package ${name})`, existsSync(binary));
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function runUntilListening(
  child: ChildProcess,
  port: number,
  dir: string,
  output: () => string,
): Promise<ReverseProxy> {
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  try {
    await waitUntil(`the proxy to listen on ${port}`, async () => {
      if (exited) throw new Error(`it exited: ${output()}`);
      return accepts(port);
    });
  } catch (error) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    output,
    async stop() {
      if (!exited) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await gone;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function capture(child: ChildProcess): () => string {
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return () => text;
}

/**
 * Runs nginx in the foreground with `examples/nginx/keygate.conf` (addresses replaced), or
 * another `server` file of the repository with the same placeholders, included in a minimal
 * main configuration of its own: pid file and temp paths in a fresh directory, errors to
 * stderr, one process (no master), nothing of the system-wide nginx touched.
 */
export async function startNginx(
  addresses: Parameters<typeof exampleWith>[1],
  serverFile = 'examples/nginx/keygate.conf',
): Promise<ReverseProxy> {
  const dir = await mkdtemp(join(tmpdir(), 'keygate-nginx-'));
  const port = await findFreePort('127.0.0.1');
  await writeFile(join(dir, 'keygate.conf'), exampleWith(serverFile, addresses, port));
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((name) => `    ${name}_temp_path ${join(dir, name)};`)
    .join('\n');
  await writeFile(
    join(dir, 'nginx.conf'),
    `daemon off;
master_process off;
pid ${join(dir, 'nginx.pid')};
error_log stderr warn;
events { worker_connections 256; }
http {
    access_log off;
    # A load generator's connections outlive nginx's default of 1000 requests each.
    keepalive_requests 1000000;
${temp}
    include ${join(dir, 'keygate.conf')};
}
`,
  );
  const child = spawn(NGINX_BIN, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return runUntilListening(child, port, dir, capture(child));
}

/**
 * Runs Caddy in the foreground with `examples/caddy/Caddyfile` (addresses replaced), its
 * admin endpoint off and its data and config directories in a fresh directory.
 */
export async function startCaddy(addresses: ProxyAddresses): Promise<ReverseProxy> {
  const dir = await mkdtemp(join(tmpdir(), 'keygate-caddy-'));
  const port = await findFreePort('127.0.0.1');
  const site = exampleWith('examples/caddy/Caddyfile', addresses, port);
  await writeFile(join(dir, 'Caddyfile'), `{\n\tadmin off\n}\n\n${site}`);
  const child = spawn(
    CADDY_BIN,
    ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        HOME: dir,
        XDG_DATA_HOME: join(dir, 'data'),
        XDG_CONFIG_HOME: join(dir, 'config'),
      },
    },
  );
  return runUntilListening(child, port, dir, capture(child));
}
