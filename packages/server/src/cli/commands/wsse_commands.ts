import { createUsernameTokenSync, WSSE_AUTHORIZATION_HEADER } from '@keygate/wsse/node';
import type { Command } from 'commander';
import { revealApiSecret } from '../../core/admin/api_credentials.js';
import { type CliIo, emit, withRuntime } from '../cli_io.js';

/** `keygate wsse generate-header <key>` and `keygate wsse nonces delete` (W-11). */
export function registerWsseCommands(program: Command, io: CliIo): void {
  const wsse = program.command('wsse').description('WSSE tools');
  wsse
    .command('generate-header <key>')
    .description('print Authorization and X-WSSE headers for a stored API key, ready for curl')
    .option('--login', "put the user's login in Username (OroPlatform style) instead of the key")
    .action((key: string, options: { login?: boolean }, command: Command) =>
      withRuntime(io, command, async (runtime) => {
        const { credential, secret } = await revealApiSecret(runtime, key);
        let username = credential.key;
        if (options.login) {
          const user = await runtime.store.users.findById(credential.userId);
          if (user) username = user.login;
        }
        const { token, header } = createUsernameTokenSync({
          username,
          secret,
          now: () => new Date(runtime.now()),
        });
        emit(io, command, `Authorization: ${WSSE_AUTHORIZATION_HEADER}\nX-WSSE: ${header}`, {
          authorization: WSSE_AUTHORIZATION_HEADER,
          x_wsse: header,
          username,
          nonce: token.nonce,
          created: token.created,
        });
      }),
    );
  wsse
    .command('nonces')
    .description('the WSSE replay store')
    .command('delete')
    .description('forget every used nonce (headers inside their lifetime become replayable)')
    .action((_options, command: Command) =>
      withRuntime(io, command, async (runtime) => {
        const deleted = await runtime.store.nonces.deleteAll();
        emit(io, command, `deleted ${deleted} nonce record${deleted === 1 ? '' : 's'}`, {
          deleted,
        });
      }),
    );
}
