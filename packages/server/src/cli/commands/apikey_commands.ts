import type { Command } from 'commander';
import {
  type IssuedCredential,
  issueApiCredential,
  resetApiCredential,
  setApiCredentialStatus,
} from '../../core/admin/api_credentials.js';
import { requireUser } from '../../core/admin/find_or_fail.js';
import type { CredentialStatus } from '../../store/port.js';
import { type CliIo, emit, withRuntime } from '../cli_io.js';
import { formatTable } from '../format_table.js';

function issuedText(action: string, issued: IssuedCredential): string {
  return [
    `${action} API key for this user and organization.`,
    `key:    ${issued.credential.key}`,
    `secret: ${issued.secret}`,
    'The secret is shown only this once: store it now. keygate keeps it encrypted and cannot show it again.',
  ].join('\n');
}

function issuedJson(issued: IssuedCredential) {
  return { id: issued.credential.id, key: issued.credential.key, secret: issued.secret };
}

/** `keygate apikey generate|list|reset|revoke|disable|enable`. */
export function registerApiKeyCommands(program: Command, io: CliIo): void {
  const apikey = program.command('apikey').description('manage API keys (WSSE and api_keys grant)');
  apikey
    .command('generate')
    .description("generate an API key and secret for a user in one of the user's organizations")
    .requiredOption('--user <login>', 'user login')
    .requiredOption('--org <name>', 'organization name')
    .action((options: { user: string; org: string }, command: Command) =>
      withRuntime(io, command, async (runtime) => {
        const issued = await issueApiCredential(runtime, options.user, options.org);
        emit(io, command, issuedText('Generated an', issued), issuedJson(issued));
      }),
    );
  apikey
    .command('reset <key>')
    .description('replace the secret of an API key; the old secret stops working at once')
    .action((key: string, _options, command: Command) =>
      withRuntime(io, command, async (runtime) => {
        const issued = await resetApiCredential(runtime, key);
        emit(io, command, issuedText('Reset the', issued), issuedJson(issued));
      }),
    );
  apikey
    .command('list')
    .description('list API keys (never their secrets)')
    .option('--user <login>', 'only this user’s keys')
    .action((options: { user?: string }, command: Command) =>
      withRuntime(io, command, async (runtime) => {
        const { store } = runtime;
        const filter = options.user
          ? { userId: (await requireUser(store, options.user)).id }
          : undefined;
        const [credentials, users, organizations] = await Promise.all([
          store.credentials.list(filter),
          store.users.list(),
          store.organizations.list(),
        ]);
        const logins = new Map(users.map((u) => [u.id, u.login]));
        const orgNames = new Map(organizations.map((o) => [o.id, o.name]));
        const rows = credentials.map((c) => ({
          id: c.id,
          key: c.key,
          user: logins.get(c.userId) ?? c.userId,
          organization: orgNames.get(c.organizationId) ?? c.organizationId,
          status: c.status,
          created: new Date(c.createdAt * 1000).toISOString(),
        }));
        emit(io, command, formatTable(rows, ['key', 'user', 'organization', 'status', 'created']), {
          apikeys: rows,
        });
      }),
    );
  const statusVerbs: [string, CredentialStatus, string][] = [
    ['revoke', 'revoked', 'revoke an API key for good'],
    ['disable', 'disabled', 'suspend an API key (enable brings it back)'],
    ['enable', 'active', 're-enable a disabled API key'],
  ];
  for (const [verb, status, description] of statusVerbs) {
    apikey
      .command(`${verb} <key>`)
      .description(description)
      .action((key: string, _options, command: Command) =>
        withRuntime(io, command, async (runtime) => {
          const updated = await setApiCredentialStatus(runtime, key, status);
          emit(io, command, `API key ${updated.key} is now ${updated.status}`, {
            id: updated.id,
            key: updated.key,
            status: updated.status,
          });
        }),
      );
  }
}
