import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MasterKeyFile } from '../../src/secrets/master_key_file.js';
import { serveExpectingRefusal } from '../support/keygate_process.js';
import { runCliInProcess } from '../support/run_cli_in_process.js';

/**
 * A database opened with a master key other than the one its secrets were sealed with (W-9)
 * is reported in one line naming where the key came from, by `keygate serve` and by the
 * commands, instead of a stack trace or a failure at the first token issued.
 */
let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'keygate-wrong-key-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const env = (extra: Record<string, string> = {}) => ({ KEYGATE_DATA_DIR: dataDir, ...extra });
const otherKey = () => randomBytes(32).toString('hex');

async function cli(args: string[], extra: Record<string, string> = {}) {
  const result = await runCliInProcess(args, { env: env(extra) });
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

/** A data directory whose signing key is sealed under its master key file. */
async function sealedDataDir(): Promise<void> {
  await cli(['migrate']);
  await cli(['keys', 'rotate']);
}

describe('wrong master key', () => {
  it('KEYGATE_MASTER_KEY: a command says so in one line', async () => {
    await sealedDataDir();
    const result = await runCliInProcess(['org', 'list'], {
      env: env({ KEYGATE_MASTER_KEY: otherKey() }),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^keygate: wrong master key: KEYGATE_MASTER_KEY does not open this database's secrets \(signing key [A-Za-z0-9_-]+ was sealed with another master key\); set it to the key the data was sealed with\n$/,
    );
  });

  it('a replaced master key file: a command names the file', async () => {
    await sealedDataDir();
    await new MasterKeyFile(dataDir).replace([randomBytes(32)]);
    const result = await runCliInProcess(['apikey', 'list'], { env: env() });
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(
      `keygate: wrong master key: ${join(dataDir, 'master.key')} does not open this database's secrets`,
    );
  });

  it('keygate serve refuses to start, in one line without a stack trace', async () => {
    await sealedDataDir();
    const result = await serveExpectingRefusal(['--port', '0'], {
      env: env({ KEYGATE_MASTER_KEY: otherKey(), KEYGATE_LOG_LEVEL: 'silent' }),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^keygate: wrong master key: KEYGATE_MASTER_KEY does not open/);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('a stored API secret that does not open is reported as a wrong master key', async () => {
    await cli(['migrate']);
    await cli(['org', 'create', 'acme']);
    await cli(['user', 'create', 'alice', '--org', 'acme']);
    const { key } = JSON.parse(
      await cli(['apikey', 'generate', '--user', 'alice', '--org', 'acme', '--json']),
    ) as { key: string };
    const result = await runCliInProcess(['wsse', 'generate-header', key], {
      env: env({ KEYGATE_MASTER_KEY: otherKey() }),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'keygate: wrong master key: a stored secret does not open with the loaded master key; set KEYGATE_MASTER_KEY (or restore master.key) to the key the data was sealed with\n',
    );
  });
});
