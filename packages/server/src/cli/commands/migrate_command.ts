import type { Command } from 'commander';
import { migrateStore } from '../../runtime/open_store.js';
import { type CliIo, configFor, emit } from '../cli_io.js';

/** `keygate migrate`: creates or upgrades the database schema and says what it applied. */
export function registerMigrateCommand(program: Command, io: CliIo): void {
  program
    .command('migrate')
    .description('create or upgrade the database schema (serve also does this on start)')
    .action(async (_options, command: Command) => {
      const report = await migrateStore(configFor(io, command));
      const human =
        report.applied.length === 0
          ? 'database schema is up to date'
          : `applied ${report.applied.length} migration${report.applied.length === 1 ? '' : 's'}: ${report.applied.join(', ')}`;
      emit(io, command, human, { applied: report.applied });
    });
}
