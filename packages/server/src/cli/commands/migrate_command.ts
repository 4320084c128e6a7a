import type { Command } from 'commander';
import { migrateStore } from '../../runtime/open_store.js';
import { loadMasterKeys } from '../../secrets/load_master_keys.js';
import { type CliIo, configFor, emit } from '../cli_io.js';

/**
 * `keygate migrate`: creates or upgrades the database schema and says what it applied. Like
 * `keygate serve`, it sets up a data directory: without `KEYGATE_MASTER_KEY` it also creates
 * the master key file, so the other commands can run before the first start.
 */
export function registerMigrateCommand(program: Command, io: CliIo): void {
  program
    .command('migrate')
    .description('create or upgrade the database schema (serve also does this on start)')
    .action(async (_options, command: Command) => {
      const config = configFor(io, command);
      await loadMasterKeys({ env: io.env.KEYGATE_MASTER_KEY, dataDir: config.dataDir });
      const report = await migrateStore(config);
      const human =
        report.applied.length === 0
          ? 'database schema is up to date'
          : `applied ${report.applied.length} migration${report.applied.length === 1 ? '' : 's'}: ${report.applied.join(', ')}`;
      emit(io, command, human, { applied: report.applied });
    });
}
