import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { docBlock } from '../support/doc_block.js';

/**
 * K-2: the command list of docs/cli.md is the `keygate` command tree. Every command path the
 * synopsis names exists, and every command the program has is named, so a new or renamed
 * command cannot go undocumented.
 */
function documentedCommands(): string[] {
  return docBlock('docs/cli.md', 'synopsis', '')
    .split('\n')
    .filter((line) => line.startsWith('keygate '))
    .flatMap((line) => {
      const [group = '', ...rest] = line.slice('keygate '.length).split(/\s+/);
      const alternatives = rest.join(' ').split(' | ');
      const subcommands = alternatives
        .map((alternative) => /^([a-z][a-z-]*(?: [a-z][a-z-]*)?)/.exec(alternative)?.[1] ?? '')
        // `wsse nonces delete` names a nested command; `org create <name>` does not.
        .map((words) => (/^nonces /.test(words) ? words : (words.split(' ')[0] ?? '')))
        .filter((words) => words !== '');
      return subcommands.length === 0 ? [group] : subcommands.map((sub) => `${group} ${sub}`);
    });
}

function programCommands(command: Command, prefix = ''): string[] {
  return command.commands.flatMap((sub) => {
    const path = `${prefix}${sub.name()}`;
    return sub.commands.length === 0 ? [path] : programCommands(sub, `${path} `);
  });
}

it('docs/cli.md names exactly the commands keygate has', () => {
  const io = {
    env: {},
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    stdin: new PassThrough(),
  };
  const documented = [...new Set(documentedCommands())].sort();
  expect(documented).toContain('wsse nonces delete');
  expect(documented).toEqual(programCommands(buildProgram(io)).sort());
});
