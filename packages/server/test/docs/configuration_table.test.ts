import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS, CONFIG_ENV_NAMES } from '../../src/core/config/defaults.js';
import { REPO_ROOT, readRepositoryFile } from '../support/repository_files.js';

/**
 * the table in docs/configuration.md is the defaults module in prose. Every setting of
 * `CONFIG_DEFAULTS` has a row with its environment variable and default, and every row names
 * a real setting, so neither can change without the other.
 */
interface Row {
  readonly setting: string;
  readonly env: string;
  readonly default: string;
}

function tableRows(): Row[] {
  return readRepositoryFile('docs/configuration.md')
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))
    .slice(1)
    .map((line) => {
      const [setting = '', env = '', value = ''] = line.slice(2, -2).split(' | ');
      return { setting, env, default: value };
    });
}

/** Every leaf of the defaults as `[dotted path, value]`. */
function leaves(node: object, prefix = ''): [string, unknown][] {
  return Object.entries(node).flatMap(([key, value]): [string, unknown][] =>
    value !== null && typeof value === 'object'
      ? leaves(value, `${prefix}${key}.`)
      : [[`${prefix}${key}`, value]],
  );
}

/** How the table writes a default: a literal in backticks, or "unset" (perhaps explained). */
function documented(value: unknown): RegExp {
  if (value === null) return /^unset(: .+)?$/;
  return new RegExp(`^\`${String(value).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\`$`);
}

/** All TypeScript sources of the server, to find the environment-only variables it reads. */
function serverSources(dir = join(REPO_ROOT, 'packages/server/src')): string {
  return readdirSync(dir, { withFileTypes: true })
    .map((entry) =>
      entry.isDirectory()
        ? serverSources(join(dir, entry.name))
        : entry.name.endsWith('.ts')
          ? readFileSync(join(dir, entry.name), 'utf8')
          : '',
    )
    .join('\n');
}

describe('docs/configuration.md against the defaults module', () => {
  const rows = tableRows();
  const settings = rows.filter((row) => row.setting !== '(env only)');

  it('has one row per setting, with its environment variable and default', () => {
    const defaults = leaves(CONFIG_DEFAULTS);
    expect(settings.map((row) => row.setting)).toEqual(defaults.map(([path]) => `\`${path}\``));
    for (const [path, value] of defaults) {
      const row = settings.find((r) => r.setting === `\`${path}\``);
      expect(row?.env, path).toBe(`\`${CONFIG_ENV_NAMES[path]}\``);
      expect(row?.default, path).toMatch(documented(value));
    }
  });

  it('names every environment variable of the defaults module, and no other setting', () => {
    const documentedEnv = settings.map((row) => row.env);
    expect(documentedEnv.sort()).toEqual(
      Object.values(CONFIG_ENV_NAMES)
        .map((name) => `\`${name}\``)
        .sort(),
    );
  });

  it('lists only environment-only variables the server reads', () => {
    const sources = serverSources();
    const envOnly = rows.filter((row) => row.setting === '(env only)');
    expect(envOnly.length).toBeGreaterThan(0);
    for (const row of envOnly) {
      expect(sources, row.env).toContain(row.env.replaceAll('`', ''));
    }
  });
});
