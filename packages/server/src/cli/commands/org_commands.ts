import type { Command } from 'commander';
import { createOrganization, setOrganizationDisabled } from '../../core/admin/organizations.js';
import { type CliIo, emit, withRuntime } from '../cli_io.js';
import { formatTable } from '../format_table.js';

/** `keygate org create|list|disable|enable`. */
export function registerOrgCommands(program: Command, io: CliIo): void {
  const org = program.command('org').description('manage organizations');
  org
    .command('create <name>')
    .description('create an organization')
    .action((name: string, _options, command: Command) =>
      withRuntime(io, command, async (runtime) => {
        const created = await createOrganization(runtime, name);
        emit(io, command, `created organization "${created.name}" (${created.id})`, {
          id: created.id,
          name: created.name,
        });
      }),
    );
  org
    .command('list')
    .description('list organizations')
    .action((_options, command: Command) =>
      withRuntime(io, command, async (runtime) => {
        const organizations = await runtime.store.organizations.list();
        const rows = organizations.map((o) => ({
          id: o.id,
          name: o.name,
          status: o.disabledAt === null ? 'active' : 'disabled',
        }));
        emit(io, command, formatTable(rows, ['name', 'status', 'id']), { organizations: rows });
      }),
    );
  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    org
      .command(`${verb} <name>`)
      .description(`${verb} an organization (its API keys ${disabled ? 'stop' : 'resume'} working)`)
      .action((name: string, _options, command: Command) =>
        withRuntime(io, command, async (runtime) => {
          const updated = await setOrganizationDisabled(runtime, name, disabled);
          emit(io, command, `organization "${updated.name}" ${verb}d`, {
            id: updated.id,
            name: updated.name,
            status: disabled ? 'disabled' : 'active',
          });
        }),
      );
  }
}
