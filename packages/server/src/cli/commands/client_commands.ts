import type { Command } from 'commander';
import {
  deleteOAuthClient,
  type OAuthClientSettings,
  registerOAuthClient,
  requireOAuthClient,
  resetOAuthClientSecret,
  updateOAuthClient,
} from '../../core/admin/oauth_clients.js';
import type { OAuthClientRecord } from '../../store/port.js';
import { type CliIo, emit, withRuntime } from '../cli_io.js';
import { formatTable } from '../format_table.js';

const INTROSPECT_HELP =
  'confidential clients only: may introspect tokens issued to any client (a resource server); by default a client introspects only its own';

const collect = (value: string, previous: string[] = []) => [...previous, value];

function describeClient(client: OAuthClientRecord) {
  return {
    client_id: client.clientId,
    name: client.name,
    type: client.secretHash === null ? 'public' : 'confidential',
    redirect_uris: client.redirectUris,
    grant_types: client.grantTypes,
    scopes: client.scopes,
    skip_consent: client.skipConsent,
    require_pkce: client.requirePkce,
    allow_plain_pkce: client.allowPlainPkce,
    introspect_any_token: client.introspectAnyToken,
  };
}

interface ClientOptions {
  redirectUri?: string[];
  grant?: string[];
  scope?: string[];
  public?: boolean;
  skipConsent?: boolean;
  pkce?: boolean;
  allowPlainPkce?: boolean;
  introspect?: boolean;
  name?: string;
}

/** `keygate client create|list|show|update|reset-secret|delete` (O-1). */
export function registerClientCommands(program: Command, io: CliIo): void {
  const client = program.command('client').description('manage OAuth clients');
  client
    .command('create <name>')
    .description('register an OAuth client; its secret is printed once')
    .option('--redirect-uri <uri>', 'exact redirect URI (repeatable)', collect)
    .option(
      '--grant <type>',
      'authorization_code, refresh_token, api_keys or client_credentials (repeatable; default authorization_code and refresh_token)',
      collect,
    )
    .option('--scope <scope>', 'a scope the client may request (repeatable)', collect)
    .option('--public', 'a public client (browser or native app): no secret, PKCE required')
    .option('--skip-consent', 'do not ask users for consent (first-party clients)')
    .option('--no-pkce', 'confidential clients only: do not require PKCE')
    .option('--allow-plain-pkce', 'accept code_challenge_method=plain for this client')
    .option('--introspect', INTROSPECT_HELP)
    .action((name: string, options: ClientOptions, command: Command) =>
      withRuntime(io, command, async (runtime) => {
        const settings: OAuthClientSettings = {
          name,
          redirectUris: options.redirectUri ?? [],
          ...(options.grant ? { grantTypes: options.grant } : {}),
          ...(options.scope ? { scopes: options.scope } : {}),
          public: options.public === true,
          skipConsent: options.skipConsent === true,
          disablePkce: options.pkce === false,
          allowPlainPkce: options.allowPlainPkce === true,
          introspectAnyToken: options.introspect === true,
        };
        const { client: created, secret } = await registerOAuthClient(runtime, settings);
        const human = [
          `Registered ${secret === null ? 'public' : 'confidential'} client "${created.name}".`,
          `client_id:     ${created.clientId}`,
          ...(secret === null
            ? []
            : [
                `client_secret: ${secret}`,
                'The secret is shown only this once: store it now. keygate keeps only its hash.',
              ]),
        ].join('\n');
        emit(io, command, human, { client_id: created.clientId, client_secret: secret });
      }),
    );
  client
    .command('list')
    .description('list OAuth clients (never their secrets)')
    .action((_options, command: Command) =>
      withRuntime(io, command, async (runtime) => {
        const clients = (await runtime.store.oauthClients.list()).map(describeClient);
        const rows = clients.map((c) => ({ ...c, grant_types: c.grant_types.join(',') }));
        emit(io, command, formatTable(rows, ['client_id', 'name', 'type', 'grant_types']), {
          clients,
        });
      }),
    );
  client
    .command('show <client_id>')
    .description("show a client's settings")
    .action((clientId: string, _options, command: Command) =>
      withRuntime(io, command, async (runtime) => {
        const described = describeClient(await requireOAuthClient(runtime, clientId));
        emit(io, command, JSON.stringify(described, null, 2), described);
      }),
    );
  client
    .command('update <client_id>')
    .description('change a client; changing its scopes ends its refresh tokens')
    .option('--name <name>', 'display name')
    .option('--redirect-uri <uri>', 'replace the redirect URIs (repeatable)', collect)
    .option('--grant <type>', 'replace the grant types (repeatable)', collect)
    .option('--scope <scope>', 'replace the allowed scopes (repeatable)', collect)
    .option('--skip-consent', 'do not ask users for consent')
    .option('--ask-consent', 'ask users for consent')
    .option('--introspect', INTROSPECT_HELP)
    .option('--no-introspect', 'introspect only tokens issued to this client')
    .action(
      (clientId: string, options: ClientOptions & { askConsent?: boolean }, command: Command) =>
        withRuntime(io, command, async (runtime) => {
          const updated = await updateOAuthClient(runtime, clientId, {
            ...(options.name ? { name: options.name } : {}),
            ...(options.redirectUri ? { redirectUris: options.redirectUri } : {}),
            ...(options.grant ? { grantTypes: options.grant } : {}),
            ...(options.scope ? { scopes: options.scope } : {}),
            ...(options.skipConsent ? { skipConsent: true } : {}),
            ...(options.askConsent ? { skipConsent: false } : {}),
            ...(options.introspect !== undefined ? { introspectAnyToken: options.introspect } : {}),
          });
          emit(io, command, `updated client ${updated.clientId}`, describeClient(updated));
        }),
    );
  client
    .command('reset-secret <client_id>')
    .description(
      "replace a confidential client's secret; the old one stops working at once, refresh tokens stay",
    )
    .action((clientId: string, _options, command: Command) =>
      withRuntime(io, command, async (runtime) => {
        const { client: reset, secret } = await resetOAuthClientSecret(runtime, clientId);
        const human = [
          `Reset the secret of client "${reset.name}".`,
          `client_id:     ${reset.clientId}`,
          `client_secret: ${secret}`,
          'The secret is shown only this once: store it now. keygate keeps only its hash.',
        ].join('\n');
        emit(io, command, human, { client_id: reset.clientId, client_secret: secret });
      }),
    );
  client
    .command('delete <client_id>')
    .description('delete a client and every code and token issued to it')
    .action((clientId: string, _options, command: Command) =>
      withRuntime(io, command, async (runtime) => {
        await deleteOAuthClient(runtime, clientId);
        emit(io, command, `deleted client ${clientId}`, { client_id: clientId, deleted: true });
      }),
    );
}
