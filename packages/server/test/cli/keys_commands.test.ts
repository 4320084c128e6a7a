import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/cli_io.js';
import {
  type KeysRuntimeRunner,
  registerKeysCommands,
} from '../../src/cli/commands/keys_commands.js';
import { ensureSigningKey } from '../../src/core/signing_keys/ensure_signing_key.js';
import { createTokenWorld, START_MS, type TokenWorld } from '../core/tokens/token_fixtures.js';
import { runCliInProcess } from '../support/run_cli_in_process.js';

/** `keygate keys rotate|list` (O-11) against a scratch SQLite key table and a frozen clock. */
let world: TokenWorld;
beforeEach(async () => {
  world = await createTokenWorld();
});

const NOW = START_MS / 1000;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

async function keygate(
  args: string[],
  options: { env?: Record<string, string>; realRuntime?: boolean } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = new PassThrough().on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const err = new PassThrough().on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const io: CliIo = {
    env: { KEYGATE_LOG_LEVEL: 'silent', ...options.env },
    stdout: out,
    stderr: err,
    stdin: Readable.from(['']),
  };
  // The same global options and error handling as src/cli/main.ts.
  const program = new Command('keygate')
    .option('--json')
    .option('--config <file>')
    .option('--data-dir <dir>')
    .exitOverride()
    .configureOutput({ writeOut: (t) => out.write(t), writeErr: (t) => err.write(t) });
  const run: KeysRuntimeRunner = (_io, _command, action) => action(world.keyDeps);
  if (options.realRuntime) registerKeysCommands(program, io);
  else registerKeysCommands(program, io, run);
  try {
    await program.parseAsync(['node', 'keygate', ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    if (error instanceof CommanderError) return { code: 2, stdout, stderr };
    throw error;
  }
}

async function json(args: string[]): Promise<Record<string, unknown>> {
  const result = await keygate([...args, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe('keygate keys rotate', () => {
  it('adds a pending key announced for 300 s by default and names the key it supersedes (--json)', async () => {
    const { kid: oldKid } = await ensureSigningKey(world.keyDeps);
    world.clock.advance(5000);
    const rotated = await json(['keys', 'rotate']);
    expect(Object.keys(rotated).sort()).toEqual([
      'activates',
      'alg',
      'created',
      'deleted',
      'kid',
      'retired',
      'status',
      'supersedes',
    ]);
    expect(rotated).toMatchObject({
      alg: 'ES256',
      status: 'pending',
      created: iso(NOW + 5),
      activates: iso(NOW + 305),
      retired: null,
      supersedes: [oldKid],
      deleted: 0,
    });
    expect(rotated.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await world.storedKeys()).map((row) => row.kid)).toContain(rotated.kid);
  });

  it('takes --announce in seconds and refuses anything else as a usage error', async () => {
    await ensureSigningKey(world.keyDeps);
    world.clock.advance(5000);
    expect(await json(['keys', 'rotate', '--announce', '60'])).toMatchObject({
      activates: iso(NOW + 65),
    });
    for (const bad of ['-1', '1.5', 'soon', '']) {
      const result = await keygate(['keys', 'rotate', '--announce', bad]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/whole number of seconds/);
    }
    expect(await world.storedKeys()).toHaveLength(2);
  });

  it('says in text when the key signs and what it retires, without key material', async () => {
    const { kid: oldKid } = await ensureSigningKey(world.keyDeps);
    world.clock.advance(5000);
    const result = await keygate(['keys', 'rotate', '--announce', '120']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Added signing key [A-Za-z0-9_-]{43} \(ES256\), published in the JWKS now\./,
    );
    expect(result.stdout).toContain(`signs from ${iso(NOW + 125)} (in 120 s)`);
    expect(result.stdout).toContain(`Retired from then on: ${oldKid}`);
    for (const row of await world.storedKeys()) {
      expect(result.stdout).not.toContain(row.privateJwkSealed);
      expect(result.stdout).not.toContain(JSON.parse(row.publicJwk).x);
    }
  });
});

describe('keygate keys list', () => {
  it('lists kid, alg, status and times as JSON, never key material', async () => {
    expect(await json(['keys', 'list'])).toEqual({ keys: [] });
    const { kid: first } = await ensureSigningKey(world.keyDeps);
    world.clock.advance(10_000);
    const { kid: second } = await json(['keys', 'rotate', '--announce', '0']);
    world.clock.advance(1000);
    const { kid: third } = await json(['keys', 'rotate', '--announce', '600']);
    const listed = await json(['keys', 'list']);
    expect(listed).toEqual({
      keys: [
        {
          kid: first,
          alg: 'ES256',
          status: 'retired',
          created: iso(NOW),
          activates: iso(NOW),
          retired: iso(NOW + 10),
        },
        {
          kid: second,
          alg: 'ES256',
          status: 'active',
          created: iso(NOW + 10),
          activates: iso(NOW + 10),
          retired: iso(NOW + 611),
        },
        {
          kid: third,
          alg: 'ES256',
          status: 'pending',
          created: iso(NOW + 11),
          activates: iso(NOW + 611),
          retired: null,
        },
      ],
    });
    const text = JSON.stringify(listed);
    for (const row of await world.storedKeys()) expect(text).not.toContain(row.privateJwkSealed);
  });

  it('prints an aligned table in text mode', async () => {
    expect((await keygate(['keys', 'list'])).stdout).toBe('(none)\n');
    const { kid } = await ensureSigningKey(world.keyDeps);
    const result = await keygate(['keys', 'list']);
    const [header, line] = result.stdout.trimEnd().split('\n');
    expect(header?.split(/\s+/)).toEqual([
      'KID',
      'ALG',
      'STATUS',
      'CREATED',
      'ACTIVATES',
      'RETIRED',
    ]);
    expect(line?.split(/\s+/)).toEqual([kid, 'ES256', 'active', iso(NOW), iso(NOW), '-']);
  });
});

describe('keygate keys against the real runtime (SQLite file, master key file)', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'keygate-keys-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('rotates and lists keys stored in SQLite, never printing key material', async () => {
    const env = { KEYGATE_DATA_DIR: dataDir };
    const cli = async (args: string[]) => {
      const result = await keygate([...args, '--json'], { env, realRuntime: true });
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as Record<string, unknown>;
    };
    expect((await runCliInProcess(['migrate'], { env })).code).toBe(0);
    // No key yet: nothing to hand over from, so the first key signs at once.
    const first = await cli(['keys', 'rotate']);
    expect(first).toMatchObject({ status: 'active', supersedes: [] });
    const second = await cli(['keys', 'rotate', '--announce', '600']);
    expect(second).toMatchObject({ status: 'pending', supersedes: [first.kid] });
    const listed = (await cli(['keys', 'list'])) as { keys: Record<string, unknown>[] };
    expect(listed.keys.map((key) => [key.kid, key.status])).toEqual([
      [first.kid, 'active'],
      [second.kid, 'pending'],
    ]);
    expect(JSON.stringify(listed)).not.toMatch(/"d"|privateJwk|v1\.[0-9a-f]{16}\./);
  });
});
