import { type Command, InvalidArgumentError } from 'commander';
import { unixSeconds } from '../../core/clock.js';
import { rotateSigningKeys } from '../../core/signing_keys/rotate_signing_keys.js';
import type { SigningKeyDeps } from '../../core/signing_keys/signing_key_deps.js';
import type { SigningKeyView } from '../../core/signing_keys/signing_key_view.js';
import { listSigningKeys } from '../../core/signing_keys/signing_key_view.js';
import { TOKEN_DEFAULTS } from '../../core/tokens/token_defaults.js';
import { type CliIo, emit, withRuntime } from '../cli_io.js';
import { formatTable } from '../format_table.js';

/** What the keys commands use of the runtime: the signing-key table, the keyring, the clock. */
export type KeysRuntime = SigningKeyDeps;

/** Opens a runtime for one command and closes it after (`withRuntime`; tests pass a fake). */
export type KeysRuntimeRunner = <T>(
  io: CliIo,
  command: Command,
  action: (runtime: KeysRuntime) => Promise<T>,
) => Promise<T>;

const iso = (seconds: number | null) =>
  seconds === null ? null : new Date(seconds * 1000).toISOString();

function keyRow(key: SigningKeyView) {
  return {
    kid: key.kid,
    alg: key.alg,
    status: key.status,
    created: iso(key.createdAt),
    activates: iso(key.activatesAt),
    retired: iso(key.retiredAt),
  };
}

function parseAnnounce(value: string): number {
  if (!/^\d{1,9}$/.test(value)) {
    throw new InvalidArgumentError('give a whole number of seconds (0 or more)');
  }
  return Number(value);
}

/**
 * `keygate keys rotate [--announce <seconds>]` and `keygate keys list` (O-11): JWT signing
 * keys. Neither ever prints key material, sealed or not.
 * @param run opens the runtime; `withRuntime` unless a test supplies its own.
 */
export function registerKeysCommands(
  program: Command,
  io: CliIo,
  run: KeysRuntimeRunner = withRuntime,
): void {
  const keys = program.command('keys').description('JWT signing keys (the JWKS)');
  keys
    .command('rotate')
    .description(
      'add a new signing key: published in the JWKS now, signing after the announce period; the old key stays published until its tokens expire',
    )
    .option(
      '--announce <seconds>',
      `seconds the new key is published before it signs (default ${TOKEN_DEFAULTS.announceSeconds}, longer than verifiers cache a JWKS)`,
      parseAnnounce,
    )
    .action((options: { announce?: number }, command: Command) =>
      run(io, command, async (runtime) => {
        const rotation = await rotateSigningKeys(runtime, {
          announceSeconds: options.announce ?? TOKEN_DEFAULTS.announceSeconds,
        });
        const { key } = rotation;
        const wait = key.activatesAt - unixSeconds(runtime.now());
        const lines = [
          `Added signing key ${key.kid} (${key.alg}), published in the JWKS now.`,
          wait > 0
            ? `It signs from ${iso(key.activatesAt)} (in ${wait} s); running keygate servers publish it from their next request.`
            : 'It signs now, also in running keygate servers from their next request.',
          rotation.retired.length > 0
            ? `Retired from then on: ${rotation.retired.join(', ')} (published until every token it signed has expired).`
            : 'No key to retire.',
        ];
        if (rotation.deleted > 0) {
          lines.push(
            `Deleted ${rotation.deleted} retired key${rotation.deleted === 1 ? '' : 's'} whose tokens have all expired.`,
          );
        }
        emit(io, command, lines.join('\n'), {
          ...keyRow(key),
          supersedes: rotation.retired,
          deleted: rotation.deleted,
        });
      }),
    );
  keys
    .command('list')
    .description(
      'list signing keys with their status (pending, active, retired); never key material',
    )
    .action((_options, command: Command) =>
      run(io, command, async (runtime) => {
        const rows = (await listSigningKeys(runtime)).map(keyRow);
        emit(
          io,
          command,
          formatTable(
            rows.map((row) => ({ ...row, retired: row.retired ?? '-' })),
            ['kid', 'alg', 'status', 'created', 'activates', 'retired'],
          ),
          { keys: rows },
        );
      }),
    );
}
