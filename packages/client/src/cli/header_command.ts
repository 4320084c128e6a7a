import { createUsernameToken, WSSE_AUTHORIZATION_HEADER } from '@keygate/wsse';
import type { CliIo } from './cli_io.js';
import { parseCommand, requireFlag } from './parse_command.js';
import { checkOneStdinSecret, readSecret, SECRETS, secretOptions } from './read_secret.js';

/** `keygate-client header --help`. */
export const HEADER_HELP = `Usage: keygate-client header --key <key> [--secret-stdin] [--json]

Prints a fresh WSSE UsernameToken for one request, as curl-ready header lines:
  Authorization: WSSE profile="UsernameToken"
  X-WSSE: UsernameToken Username="…", PasswordDigest="…", Nonce="…", Created="…"
Each header works once (its nonce is then used up) and for one hour.

Options:
  --key <key>        the API key (or, OroPlatform style, the user's login)
  --secret-stdin     read the API secret from standard input
  --secret <secret>  the API secret inline (visible in shell history: avoid)
  --json             print {"authorization": …, "x-wsse": …}
  -h, --help         show this help

The secret comes from KEYGATE_SECRET, else --secret-stdin, else --secret, else a prompt
without echo when stdin is a terminal.

Example:
  curl -H "$(keygate-client header --key "$KEY" | grep '^X-WSSE:')" https://keygate.example/api/v1/me
`;

/** `keygate-client header`: prints fresh WSSE headers (C-7, W-11's client-side twin). */
export async function headerCommand(io: CliIo, args: readonly string[]): Promise<void> {
  const { values } = parseCommand(args, {
    key: { type: 'string' },
    ...secretOptions(SECRETS.apiSecret),
  });
  if (values.help) {
    io.stdout.write(HEADER_HELP);
    return;
  }
  const key = requireFlag(values, 'key');
  checkOneStdinSecret(values, [SECRETS.apiSecret]);
  const secret = (await readSecret(io, values, SECRETS.apiSecret)) as string;
  const { header: xWsse } = await createUsernameToken({ username: key, secret });
  const authorization = WSSE_AUTHORIZATION_HEADER;
  io.stdout.write(
    values.json
      ? `${JSON.stringify({ authorization, 'x-wsse': xWsse })}\n`
      : `Authorization: ${authorization}\nX-WSSE: ${xWsse}\n`,
  );
}
