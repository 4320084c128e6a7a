import { createUsernameToken, WSSE_AUTHORIZATION_HEADER } from '@keygate/wsse';
import type { Command } from 'commander';
import type { CliIo } from './cli_io.js';
import { flagValues, requireFlag } from './parse_command.js';
import { addSecretOptions, checkOneStdinSecret, readSecret, SECRETS } from './read_secret.js';

const NOTES = `
Each header works once (its nonce is then used up) and for one hour. The secret comes from
KEYGATE_SECRET, else --secret-stdin, else --secret, else a prompt without echo when stdin is a
terminal. --json prints the same keys as \`keygate wsse generate-header --json\`:
{"authorization", "x_wsse", "username", "nonce", "created"}.

Example:
  curl -H "$(keygate-client header --key "$KEY" | grep '^X-WSSE:')" https://keygate.example/api/v1/me
`;

/** `keygate-client header`: prints fresh WSSE headers (C-7, W-11's client-side twin). */
export function registerHeaderCommand(program: Command, io: CliIo): void {
  const header = program
    .command('header')
    .description(
      'print a fresh WSSE UsernameToken for one request, as curl-ready Authorization: and X-WSSE: lines',
    )
    .option('--key <key>', "the API key (or, OroPlatform style, the user's login)")
    .option('--json', 'print one JSON object');
  addSecretOptions(header, SECRETS.apiSecret)
    .addHelpText('after', NOTES)
    .action(async (_options, command: Command) => {
      const values = flagValues(command);
      const key = requireFlag(values, 'key');
      checkOneStdinSecret(values, [SECRETS.apiSecret]);
      const secret = (await readSecret(io, values, SECRETS.apiSecret)) as string;
      const { token, header: xWsse } = await createUsernameToken({ username: key, secret });
      const authorization = WSSE_AUTHORIZATION_HEADER;
      io.stdout.write(
        values.json
          ? `${JSON.stringify({
              authorization,
              x_wsse: xWsse,
              username: token.username,
              nonce: token.nonce,
              created: token.created,
            })}\n`
          : `Authorization: ${authorization}\nX-WSSE: ${xWsse}\n`,
      );
    });
}
