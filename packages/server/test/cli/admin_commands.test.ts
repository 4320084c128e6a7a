import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../support/run_cli_in_process.js';

/** The admin CLI (K-1, K-2): JSON shapes, human text, exit codes and one-line errors. */
let dataDir: string;
let env: Record<string, string>;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'keygate-cli-'));
  env = { KEYGATE_DATA_DIR: dataDir };
  expect((await runCliInProcess(['migrate'], { env })).code).toBe(0);
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const cli = (args: string[], input?: string) =>
  runCliInProcess(args, { env, ...(input === undefined ? {} : { input }) });
const json = async (args: string[], input?: string) => {
  const result = await cli([...args, '--json'], input);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
};

describe('org, user and apikey commands', () => {
  it('create an organization, a user and an API key with the documented JSON shapes', async () => {
    const org = await json(['org', 'create', 'acme']);
    expect(Object.keys(org).sort()).toEqual(['id', 'name']);
    expect(org.name).toBe('acme');
    const user = await json(
      ['user', 'create', 'alice', '--org', 'acme', '--password-stdin'],
      'correct horse battery\n',
    );
    expect(Object.keys(user).sort()).toEqual(['id', 'login']);
    const key = await json(['apikey', 'generate', '--user', 'alice', '--org', 'acme']);
    expect(Object.keys(key).sort()).toEqual(['id', 'key', 'secret']);
    expect(key.key).toMatch(/^[0-9a-f]{32}$/);
    expect(String(key.secret).length).toBeGreaterThanOrEqual(43);

    const list = await json(['apikey', 'list', '--user', 'alice']);
    expect(list.apikeys).toEqual([
      expect.objectContaining({
        key: key.key,
        user: 'alice',
        organization: 'acme',
        status: 'active',
      }),
    ]);
    expect(JSON.stringify(list)).not.toContain(String(key.secret));
  });

  it('human output shows the secret once with a warning, and lists without it', async () => {
    await cli(['org', 'create', 'acme']);
    await cli(['user', 'create', 'alice', '--org', 'acme']);
    const generated = await cli(['apikey', 'generate', '--user', 'alice', '--org', 'acme']);
    expect(generated.code).toBe(0);
    expect(generated.stdout).toMatch(/secret: \S+/);
    expect(generated.stdout).toMatch(/shown only this once/);
    const secret = /secret: (\S+)/.exec(generated.stdout)?.[1] ?? '';
    const listed = await cli(['apikey', 'list']);
    expect(listed.stdout).toMatch(/alice\s+acme\s+active/);
    expect(listed.stdout).not.toContain(secret);
  });

  it('reset gives a new secret for the same key; revoke frees the slot for a new key', async () => {
    await cli(['org', 'create', 'acme']);
    await cli(['user', 'create', 'alice', '--org', 'acme']);
    const first = await json(['apikey', 'generate', '--user', 'alice', '--org', 'acme']);
    const again = await cli(['apikey', 'generate', '--user', 'alice', '--org', 'acme']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already has an API key/);
    const reset = await json(['apikey', 'reset', String(first.key)]);
    expect(reset.key).toBe(first.key);
    expect(reset.secret).not.toBe(first.secret);
    expect(await json(['apikey', 'revoke', String(first.key)])).toMatchObject({
      status: 'revoked',
    });
    const second = await json(['apikey', 'generate', '--user', 'alice', '--org', 'acme']);
    expect(second.key).not.toBe(first.key);
  });

  it('disable and enable report the new status', async () => {
    await cli(['org', 'create', 'acme']);
    await cli(['user', 'create', 'alice', '--org', 'acme']);
    expect(await json(['user', 'disable', 'alice'])).toMatchObject({ status: 'disabled' });
    expect(await json(['org', 'disable', 'acme'])).toMatchObject({ status: 'disabled' });
    const users = await json(['user', 'list']);
    expect(users.users).toEqual([expect.objectContaining({ login: 'alice', status: 'disabled' })]);
    expect(await json(['user', 'enable', 'alice'])).toMatchObject({ status: 'active' });
  });

  it('add-to-org lets a user hold one key per organization', async () => {
    await cli(['org', 'create', 'acme']);
    await cli(['org', 'create', 'globex']);
    await cli(['user', 'create', 'alice', '--org', 'acme']);
    expect(await json(['user', 'add-to-org', 'alice', '--org', 'globex'])).toMatchObject({
      added: true,
    });
    await json(['apikey', 'generate', '--user', 'alice', '--org', 'acme']);
    await json(['apikey', 'generate', '--user', 'alice', '--org', 'globex']);
    const list = await json(['apikey', 'list', '--user', 'alice']);
    expect((list.apikeys as unknown[]).length).toBe(2);
  });
});

describe('errors', () => {
  it('unknown organization: exit 1 and one line on stderr', async () => {
    const result = await cli(['user', 'create', 'alice', '--org', 'nowhere']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('keygate: no organization named "nowhere"\n');
  });

  it('a password outside the policy is refused without echoing it', async () => {
    await cli(['org', 'create', 'acme']);
    const result = await cli(
      ['user', 'create', 'bob', '--org', 'acme', '--password-stdin'],
      'short\n',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/at least 8/);
    expect(result.stderr).not.toContain('short\n');
  });

  it('a duplicate organization is reported', async () => {
    await cli(['org', 'create', 'acme']);
    const result = await cli(['org', 'create', 'acme']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a usage error exits 2', async () => {
    const result = await cli(['apikey', 'generate', '--user', 'alice']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--org/);
  });

  it('a bad configuration value names the setting', async () => {
    const result = await runCliInProcess(['org', 'list'], {
      env: { ...env, KEYGATE_WSSE_LIFETIME: 'soon' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/wsse\.lifetimeSeconds: must be a whole number/);
  });
});

describe('migrate', () => {
  it('applies the schema once, then reports it up to date', async () => {
    env = { KEYGATE_DATA_DIR: join(dataDir, 'fresh') };
    const first = await json(['migrate']);
    expect(first.applied).toEqual([
      '0001_initial',
      '0002_oauth',
      '0003_rate_counters',
      '0004_legacy_jwt',
      '0005_wsse_nonces_rowid',
      '0006_auth_data_notify',
      '0007_client_introspect_any_token',
      '0008_signing_keys_notify',
      '0009_user_session_generation',
    ]);
    const second = await cli(['migrate']);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe('database schema is up to date\n');
  });
});
