import type { Command } from 'commander';
import { rotateMasterKey } from '../../secrets/rotate_master_key.js';
import { type CliIo, emit, withRuntime } from '../cli_io.js';

/** `keygate master-key rotate`: re-encrypts every stored secret under a new master key (W-9). */
export function registerMasterKeyCommands(program: Command, io: CliIo): void {
  program
    .command('master-key')
    .description('the master key that encrypts secrets at rest')
    .command('rotate')
    .description(
      'file mode: generate a new key and re-encrypt everything; env mode: re-encrypt under the first key of KEYGATE_MASTER_KEY',
    )
    .action((_options, command: Command) =>
      withRuntime(io, command, async (runtime) => {
        const result = await rotateMasterKey({
          store: runtime.store,
          dataDir: runtime.config.dataDir,
          env: io.env.KEYGATE_MASTER_KEY,
        });
        const followUp =
          result.source === 'env'
            ? '\nEvery secret is now sealed by the first key; remove the older keys from KEYGATE_MASTER_KEY and restart keygate.'
            : '\nRestart keygate so it loads the new key.';
        emit(
          io,
          command,
          `re-encrypted ${result.resealed} secret${result.resealed === 1 ? '' : 's'} under master key ${result.primaryKeyId}${followUp}`,
          {
            resealed: result.resealed,
            resealed_by_step: result.resealedByStep,
            primary_key_id: result.primaryKeyId,
            source: result.source,
            retired_key_ids: result.retiredKeyIds,
          },
        );
      }),
    );
}
