import type { Command } from 'commander';
import { addUserToOrganization, createUser, setUserDisabled } from '../../core/admin/users.js';
import { setUserPassword } from '../../core/passwords/set_user_password.js';
import { type CliIo, emit, readStdin, withRuntime } from '../cli_io.js';
import { formatTable } from '../format_table.js';

/** `keygate user create|list|disable|enable|add-to-org|set-password`. */
export function registerUserCommands(program: Command, io: CliIo): void {
  const user = program.command('user').description('manage users');
  user
    .command('create <login>')
    .description('create a user in an organization')
    .requiredOption('--org <name>', 'organization the user joins')
    .option('--email <email>', 'email address')
    .option('--password-stdin', 'read a sign-in password from standard input')
    .action(
      (
        login: string,
        options: { org: string; email?: string; passwordStdin?: boolean },
        command: Command,
      ) =>
        withRuntime(io, command, async (runtime) => {
          const password = options.passwordStdin ? await readStdin(io) : null;
          const created = await createUser(runtime, {
            login,
            organization: options.org,
            email: options.email ?? null,
            password,
          });
          emit(io, command, `created user "${created.login}" in "${options.org}" (${created.id})`, {
            id: created.id,
            login: created.login,
          });
        }),
    );
  user
    .command('list')
    .description('list users')
    .action((_options, command: Command) =>
      withRuntime(io, command, async (runtime) => {
        const users = await runtime.store.users.list();
        const rows = users.map((u) => ({
          id: u.id,
          login: u.login,
          email: u.email,
          status: u.disabledAt === null ? 'active' : 'disabled',
        }));
        emit(io, command, formatTable(rows, ['login', 'email', 'status', 'id']), { users: rows });
      }),
    );
  user
    .command('add-to-org <login>')
    .description('make an existing user a member of another organization')
    .requiredOption('--org <name>', 'organization to join')
    .action((login: string, options: { org: string }, command: Command) =>
      withRuntime(io, command, async (runtime) => {
        const added = await addUserToOrganization(runtime, login, options.org);
        emit(
          io,
          command,
          added
            ? `"${login}" joined "${options.org}"`
            : `"${login}" was already in "${options.org}"`,
          { login, organization: options.org, added },
        );
      }),
    );
  user
    .command('set-password <login>')
    .description("set a user's password (ends their legacy refresh tokens)")
    .requiredOption('--password-stdin', 'read the new password from standard input')
    .action((login: string, _options: { passwordStdin: boolean }, command: Command) =>
      withRuntime(io, command, async (runtime) => {
        const password = await readStdin(io);
        const changed = await setUserPassword(runtime, login, password, {
          endSessions: runtime.config.oauth.endSessionsOnPasswordChange,
        });
        const revoked = changed.revokedRefreshTokens;
        const families = changed.revokedTokenFamilies;
        emit(
          io,
          command,
          `password of "${changed.user.login}" changed; ${revoked} legacy refresh token${revoked === 1 ? '' : 's'} and ${families} OAuth token famil${families === 1 ? 'y' : 'ies'} revoked`,
          {
            id: changed.user.id,
            login: changed.user.login,
            revoked_refresh_tokens: revoked,
            revoked_token_families: families,
          },
        );
      }),
    );
  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    user
      .command(`${verb} <login>`)
      .description(`${verb} a user (their API keys ${disabled ? 'stop' : 'resume'} working)`)
      .action((login: string, _options, command: Command) =>
        withRuntime(io, command, async (runtime) => {
          const updated = await setUserDisabled(runtime, login, disabled);
          emit(io, command, `user "${updated.login}" ${verb}d`, {
            id: updated.id,
            login: updated.login,
            status: disabled ? 'disabled' : 'active',
          });
        }),
      );
  }
}
