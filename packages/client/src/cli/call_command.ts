import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createKeygateClient } from '../create_keygate_client.js';
import { KeygateHttpError } from '../errors.js';
import { AUTH_KINDS, buildAuth } from './build_auth.js';
import { type CliIo, UsageError } from './cli_io.js';
import { type FlagValues, flagValues } from './parse_command.js';
import { addSecretOptions, SECRETS } from './read_secret.js';

const NOTES = `
Makes one authenticated request and prints the response body. Exits 1 when the server answers
with an HTTP error (the body is still printed, the reason goes to stderr). JSON bodies given
with --data get Content-Type: application/json unless --header sets one.

Secrets (environment first, then the -stdin flag, then the inline flag, which warns because
it is visible in shell history, then an echo-free prompt on a terminal):
  API secret      KEYGATE_SECRET          --secret-stdin          --secret
  client secret   KEYGATE_CLIENT_SECRET   --client-secret-stdin   --client-secret
  password        KEYGATE_PASSWORD        --password-stdin        --password
  access token    KEYGATE_TOKEN           --token-stdin           --token

Example:
  KEYGATE_SECRET=… keygate-client call GET https://keygate.example/api/v1/me --key "$KEY"
`;

const METHOD = /^[A-Za-z]+$/;

async function bodyFrom(data: string | undefined): Promise<string | undefined> {
  if (data === undefined) return undefined;
  if (data.startsWith('@')) return readFile(data.slice(1), 'utf8');
  return data;
}

function looksLikeJson(text: string): boolean {
  try {
    JSON.parse(text);
    return /^\s*[[{]/.test(text);
  } catch {
    return false;
  }
}

function printBody(io: CliIo, json: boolean, status: number, text: string): void {
  if (json) {
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    io.stdout.write(`${JSON.stringify({ status, body })}\n`);
  } else {
    io.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  }
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `keygate-client call METHOD URL`: one authenticated request with any strategy (C-7). */
export function registerCallCommand(program: Command, io: CliIo): void {
  const call = program
    .command('call')
    .description(
      'make one authenticated request (wsse, api-keys, client-credentials, legacy-jwt, bearer)',
    )
    .argument('[method]', 'HTTP method, e.g. GET')
    .argument('[url]', 'the URL to call')
    .option('--auth <kind>', `${AUTH_KINDS.join(' | ')} (default wsse)`)
    .option('--key <key>', 'wsse, api-keys: the API key')
    .option('--client-id <id>', 'api-keys, client-credentials: the OAuth client')
    .option('--scope <scopes>', 'api-keys, client-credentials: scopes to ask for')
    .option('--basic', 'send the client secret with HTTP Basic')
    .option('--username <login>', 'legacy-jwt: the user')
    .option('--data <body>', 'request body; @file reads a file')
    .option('--header <line>', 'an extra request header "Name: value" (repeatable)', collect)
    .option('--json', 'print {"status": …, "body": …} instead of the bare body');
  addSecretOptions(call, SECRETS.apiSecret, SECRETS.clientSecret, SECRETS.password, SECRETS.token)
    .addHelpText('after', NOTES)
    .action((method: string | undefined, target: string | undefined, _options, command: Command) =>
      callOnce(io, method, target, flagValues(command)),
    );
}

async function callOnce(
  io: CliIo,
  method: string | undefined,
  target: string | undefined,
  values: FlagValues,
): Promise<void> {
  if (method === undefined || target === undefined)
    throw new UsageError('call needs METHOD and URL');
  if (!METHOD.test(method)) throw new UsageError(`not an HTTP method: ${method}`);
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new UsageError(`not a URL: ${target}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError('the URL must be http:// or https://');
  }
  const headers = new Headers();
  for (const line of (values.header as string[] | undefined) ?? []) {
    const at = line.indexOf(':');
    if (at <= 0) throw new UsageError('--header must look like "Name: value" (no colon found)');
    headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  const body = await bodyFrom(typeof values.data === 'string' ? values.data : undefined);
  if (body !== undefined && !headers.has('content-type') && looksLikeJson(body)) {
    headers.set('content-type', 'application/json');
  }
  const client = createKeygateClient({
    baseUrl: url.origin,
    auth: await buildAuth(io, values),
    ...(io.fetch ? { fetch: io.fetch } : {}),
  });
  const json = values.json === true;
  try {
    const response = await client.request(method, url.toString(), {
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    printBody(io, json, response.status, await response.text());
  } catch (error) {
    if (error instanceof KeygateHttpError) printBody(io, json, error.status, error.body);
    throw error;
  }
}
