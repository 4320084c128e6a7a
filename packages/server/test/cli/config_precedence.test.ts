import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { findFreePort } from '../../src/runtime/find_free_port.js';
import { KEYGATE_BIN, startListeningProcess } from '../support/keygate_process.js';

/**
 * K-1, X-4: the same settings come from flags, environment variables and a config file;
 * flags win over the environment, which wins over the file. Shown for host, port and data
 * directory with `keygate serve`: where it listens and where it writes its database.
 */
let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'keygate-precedence-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

interface Layer {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
}

async function layer(host: string): Promise<Layer> {
  return { host, port: await findFreePort(host), dataDir: join(root, host) };
}

const asFlags = (l: Layer) => ['--host', l.host, '--port', String(l.port), '--data-dir', l.dataDir];
const asEnv = (l: Layer) => ({
  KEYGATE_HOST: l.host,
  KEYGATE_PORT: String(l.port),
  KEYGATE_DATA_DIR: l.dataDir,
});
async function asFile(l: Layer): Promise<string> {
  const file = join(root, 'keygate.json');
  await writeFile(file, JSON.stringify({ host: l.host, port: l.port, dataDir: l.dataDir }));
  return file;
}

/** Starts `keygate serve` and checks it listens and stores data where `winner` says, not `loser`. */
async function expectServeUses(
  winner: Layer,
  loser: Layer,
  args: string[],
  env: Record<string, string>,
): Promise<void> {
  const server = await startListeningProcess(process.execPath, [KEYGATE_BIN, ...args], {
    env: { KEYGATE_ISSUER: 'http://127.0.0.1:8080', ...env },
  });
  try {
    expect(server.url).toBe(`http://${winner.host}:${winner.port}`);
    expect(existsSync(join(winner.dataDir, 'keygate.sqlite'))).toBe(true);
    expect(existsSync(loser.dataDir)).toBe(false);
  } finally {
    await server.stop();
  }
}

it('flags win over environment variables', async () => {
  const [flags, env] = [await layer('127.0.0.2'), await layer('127.0.0.3')];
  await expectServeUses(flags, env, ['serve', ...asFlags(flags)], asEnv(env));
});

it('environment variables win over the config file', async () => {
  const [env, file] = [await layer('127.0.0.2'), await layer('127.0.0.3')];
  await expectServeUses(env, file, ['serve'], {
    ...asEnv(env),
    KEYGATE_CONFIG: await asFile(file),
  });
});

it('flags win over the config file (--config given before or after the command)', async () => {
  const [flags, file] = [await layer('127.0.0.2'), await layer('127.0.0.3')];
  const config = await asFile(file);
  await expectServeUses(flags, file, ['--config', config, 'serve', ...asFlags(flags)], {});
  await expectServeUses(flags, file, ['serve', ...asFlags(flags), '--config', config], {});
});
