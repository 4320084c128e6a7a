import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../../server/test/support/run_cli_in_process.js';
import { runClientInProcess } from './support/run_client_cli.js';

/**
 * `keygate` and `keygate-client` speak alike: every `--json` object uses the snake_case key
 * names K-1 documents (`{id, key, secret}`, `{client_id, client_secret}`), the same thing
 * has the same name in both (a WSSE header), and a usage mistake gets the same one line from
 * both, as both parse their arguments with commander.
 */
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'keygate-json-keys-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

async function keygateJson(args: string[], input?: string): Promise<unknown> {
  const result = await runCliInProcess([...args, '--json'], {
    env: { KEYGATE_DATA_DIR: dataDir },
    ...(input === undefined ? {} : { input }),
  });
  expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout);
}

/** Every object key anywhere in `value`, with the path that leads to it. */
function keyPaths(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => keyPaths(item, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => [
    `${path}.${key}`,
    ...keyPaths(inner, `${path}.${key}`),
  ]);
}

const notSnakeCase = (outputs: Record<string, unknown>) =>
  Object.entries(outputs).flatMap(([command, output]) =>
    keyPaths(output)
      .filter((path) => !/^[a-z][a-z0-9_]*$/.test(path.slice(path.lastIndexOf('.') + 1)))
      .map((path) => `${command}: ${path}`),
  );

describe('JSON key names', () => {
  it('every keygate --json output uses snake_case keys', async () => {
    const outputs: Record<string, unknown> = {};
    const run = async (args: string[], input?: string) => {
      const output = await keygateJson(args, input);
      outputs[args.join(' ')] = output;
      return output as Record<string, string>;
    };
    await run(['migrate']);
    await run(['org', 'create', 'acme']);
    await keygateJson(['org', 'create', 'globex']);
    await run(['org', 'list']);
    await run(['org', 'disable', 'acme']);
    await run(['org', 'enable', 'acme']);
    await run(['user', 'create', 'alice', '--org', 'acme', '--password-stdin'], 'correct horse 1');
    await run(['user', 'list']);
    await run(['user', 'add-to-org', 'alice', '--org', 'globex']);
    await run(['user', 'set-password', 'alice', '--password-stdin'], 'correct horse 2');
    await run(['user', 'disable', 'alice']);
    await run(['user', 'enable', 'alice']);
    const { key } = await run(['apikey', 'generate', '--user', 'alice', '--org', 'acme']);
    await run(['apikey', 'list']);
    await run(['apikey', 'reset', key ?? '']);
    await run(['apikey', 'disable', key ?? '']);
    await run(['apikey', 'enable', key ?? '']);
    await run(['wsse', 'generate-header', key ?? '']);
    await run(['wsse', 'nonces', 'delete']);
    const { client_id: clientId } = await run([
      'client',
      'create',
      'Billing',
      '--redirect-uri',
      'http://127.0.0.1:3000/cb',
    ]);
    await run(['client', 'list']);
    await run(['client', 'show', clientId ?? '']);
    await run(['client', 'update', clientId ?? '', '--name', 'Billing 2']);
    await run(['client', 'reset-secret', clientId ?? '']);
    await run(['client', 'delete', clientId ?? '']);
    await run(['keys', 'rotate']);
    await run(['keys', 'list']);
    await run(['master-key', 'rotate']);
    await run(['apikey', 'revoke', key ?? '']);
    expect(Object.keys(outputs)).toHaveLength(28);
    expect(notSnakeCase(outputs)).toEqual([]);
  });

  it('keygate-client header --json has the keys of keygate wsse generate-header --json', async () => {
    await keygateJson(['migrate']);
    await keygateJson(['org', 'create', 'headers']);
    await keygateJson(['user', 'create', 'bob', '--org', 'headers']);
    const { key, secret } = (await keygateJson([
      'apikey',
      'generate',
      '--user',
      'bob',
      '--org',
      'headers',
    ])) as { key: string; secret: string };
    const server = await keygateJson(['wsse', 'generate-header', key]);
    const client = await runClientInProcess(['header', '--key', key, '--json'], {
      env: { KEYGATE_SECRET: secret },
    });
    expect(client.code, client.stderr).toBe(0);
    const printed = JSON.parse(client.stdout) as Record<string, string>;
    expect(Object.keys(printed).sort()).toEqual(Object.keys(server as object).sort());
    expect(printed).toMatchObject({
      username: key,
      x_wsse: expect.stringMatching(/^UsernameToken /),
    });
    expect(notSnakeCase({ header: printed })).toEqual([]);
  });
});

describe('usage errors look alike', () => {
  it.each([
    [
      ['org', 'list', '--bogus'],
      "keygate: unknown option '--bogus' (see keygate org list --help)\n",
      ['header', '--key', 'k', '--bogus'],
      "keygate-client: unknown option '--bogus' (see keygate-client header --help)\n",
    ],
    [
      ['nope'],
      "keygate: unknown command 'nope' (see keygate --help)\n",
      ['nope'],
      "keygate-client: unknown command 'nope' (see keygate-client --help)\n",
    ],
  ])(
    'keygate %j and keygate-client: one line, exit 2',
    async (server, serverLine, client, clientLine) => {
      const fromServer = await runCliInProcess(server, { env: { KEYGATE_DATA_DIR: dataDir } });
      const fromClient = await runClientInProcess(client);
      expect([fromServer.code, fromServer.stderr]).toEqual([2, serverLine]);
      expect([fromClient.code, fromClient.stderr]).toEqual([2, clientLine]);
    },
  );
});
