import type { Command } from 'commander';
import { apiKeys } from '../auth/api_keys.js';
import { clientCredentials } from '../auth/client_credentials.js';
import type { AuthContext } from '../auth_context.js';
import { noClientSecret } from '../client_authentication.js';
import { requestToken } from '../request_token.js';
import { clientAuthenticationFrom } from './build_auth.js';
import { type CliIo, UsageError } from './cli_io.js';
import {
  baseUrlFrom,
  type FlagValues,
  flagValues,
  optionalFlag,
  requireFlag,
} from './parse_command.js';
import { addSecretOptions, checkOneStdinSecret, readSecret, SECRETS } from './read_secret.js';

const NOTES = `
Runs one OAuth grant at <base>/oauth/token and prints the JSON token response (its keys as
the server sends them: access_token, token_type, expires_in, refresh_token, scope).

Grants:
  keygate-client token api-keys --url <base> --client-id <id> --key <key> [--scope <s>]
  keygate-client token client-credentials --url <base> --client-id <id> [--scope <s>]
  keygate-client token refresh --url <base> --client-id <id> [--public]

Secrets (environment first, then the -stdin flag, then the inline flag, which warns because
it is visible in shell history, then an echo-free prompt on a terminal):
  client secret   KEYGATE_CLIENT_SECRET   --client-secret-stdin   --client-secret
  API secret      KEYGATE_SECRET          --secret-stdin          --secret
  refresh token   KEYGATE_REFRESH_TOKEN   --refresh-token-stdin   --refresh-token
`;

const GRANTS = ['api-keys', 'client-credentials', 'refresh'] as const;

/** `keygate-client token …`: runs a grant and prints the token response (C-7). */
export function registerTokenCommand(program: Command, io: CliIo): void {
  const token = program
    .command('token')
    .description('run an OAuth grant (api-keys, client-credentials, refresh) and print the token')
    .argument('[grant]', GRANTS.join(', '))
    .option('--url <base>', "keygate's base URL (or KEYGATE_URL)")
    .option('--client-id <id>', 'the OAuth client')
    .option('--key <key>', 'api-keys: the API key whose user the token acts as')
    .option('--scope <scopes>', "space-separated scopes (default: the client's)")
    .option('--basic', 'send the client secret with HTTP Basic instead of in the body')
    .option('--public', 'refresh: a public client, no client secret')
    .option('--json', 'print the response on one line');
  addSecretOptions(token, SECRETS.clientSecret, SECRETS.apiSecret, SECRETS.refreshToken)
    .addHelpText('after', NOTES)
    .action((grant: string | undefined, _options, command: Command) =>
      runGrant(io, grant, flagValues(command)),
    );
}

async function runGrant(io: CliIo, grant: string | undefined, values: FlagValues): Promise<void> {
  if (grant === undefined || !(GRANTS as readonly string[]).includes(grant)) {
    throw new UsageError(`token needs a grant: ${GRANTS.join(', ')}`);
  }
  const context: AuthContext = {
    baseUrl: baseUrlFrom(values, io.env),
    fetch: io.fetch ?? globalThis.fetch.bind(globalThis),
    now: Date.now,
  };
  const clientId = requireFlag(values, 'client-id');
  const scope = optionalFlag(values, 'scope');
  const scoped: { scope?: string } = scope !== undefined ? { scope } : {};
  let response: unknown;
  if (grant === 'api-keys') {
    const key = requireFlag(values, 'key');
    checkOneStdinSecret(values, [SECRETS.clientSecret, SECRETS.apiSecret]);
    const clientSecret = (await readSecret(io, values, SECRETS.clientSecret)) as string;
    const secret = (await readSecret(io, values, SECRETS.apiSecret)) as string;
    response = await apiKeys({
      clientId,
      clientAuthentication: clientAuthenticationFrom(values, clientSecret),
      key,
      secret,
      ...scoped,
    }).grant(context);
  } else if (grant === 'client-credentials') {
    checkOneStdinSecret(values, [SECRETS.clientSecret]);
    const clientSecret = (await readSecret(io, values, SECRETS.clientSecret)) as string;
    response = await clientCredentials({
      clientId,
      clientAuthentication: clientAuthenticationFrom(values, clientSecret),
      ...scoped,
    }).grant(context);
  } else {
    checkOneStdinSecret(values, [SECRETS.clientSecret, SECRETS.refreshToken]);
    const refreshToken = (await readSecret(io, values, SECRETS.refreshToken)) as string;
    const clientAuthentication = values.public
      ? noClientSecret()
      : clientAuthenticationFrom(
          values,
          (await readSecret(io, values, SECRETS.clientSecret)) as string,
        );
    response = await requestToken(context, {
      clientId,
      clientAuthentication,
      params: {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        ...(scope !== undefined ? { scope } : {}),
      },
    });
  }
  io.stdout.write(`${JSON.stringify(response, null, values.json ? undefined : 2)}\n`);
}
