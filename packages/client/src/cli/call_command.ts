import { readFile } from 'node:fs/promises';
import { createKeygateClient } from '../create_keygate_client.js';
import { KeygateHttpError } from '../errors.js';
import { AUTH_KINDS, buildAuth } from './build_auth.js';
import { type CliIo, UsageError } from './cli_io.js';
import { parseCommand } from './parse_command.js';
import { SECRETS, secretOptions } from './read_secret.js';

/** `keygate-client call --help`. */
export const CALL_HELP = `Usage: keygate-client call <METHOD> <URL> [--auth <kind>] [options]

Makes one authenticated request and prints the response body. Exits 1 when the server
answers with an HTTP error (the body is still printed, the reason goes to stderr).

Options:
  --auth <kind>        ${AUTH_KINDS.join(' | ')} (default wsse)
  --key <key>          wsse, api-keys: the API key
  --client-id <id>     api-keys, client-credentials: the OAuth client
  --scope <scopes>     api-keys, client-credentials: scopes to ask for
  --basic              send the client secret with HTTP Basic
  --username <login>   legacy-jwt: the user
  --data <body>        request body; @file reads a file. JSON bodies get
                       Content-Type: application/json unless --header sets one
  --header "N: V"      an extra request header (repeatable)
  --json               print {"status": …, "body": …} instead of the bare body
  -h, --help           show this help

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

/** `keygate-client call METHOD URL`: one authenticated request with any strategy (C-7). */
export async function callCommand(io: CliIo, args: readonly string[]): Promise<void> {
  const { values, positionals } = parseCommand(args, {
    auth: { type: 'string' },
    key: { type: 'string' },
    'client-id': { type: 'string' },
    scope: { type: 'string' },
    basic: { type: 'boolean' },
    username: { type: 'string' },
    data: { type: 'string' },
    header: { type: 'string', multiple: true },
    ...secretOptions(SECRETS.apiSecret, SECRETS.clientSecret, SECRETS.password, SECRETS.token),
  });
  if (values.help) {
    io.stdout.write(CALL_HELP);
    return;
  }
  const [method, target, ...extra] = positionals;
  if (method === undefined || target === undefined)
    throw new UsageError('call needs METHOD and URL');
  if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra[0]}`);
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
