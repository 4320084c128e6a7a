import type { Command } from 'commander';
import { UsageError } from './cli_io.js';

/** A command's flags by their long name without dashes (`client-id`, `secret-stdin`, …). */
export type FlagValues = Readonly<Record<string, string | boolean | string[] | undefined>>;

/** The parsed flags of `command`, keyed by long flag name rather than commander's camelCase. */
export function flagValues(command: Command): FlagValues {
  const parsed = command.opts<Record<string, string | boolean | string[] | undefined>>();
  const values: Record<string, string | boolean | string[] | undefined> = {};
  for (const option of command.options) {
    if (option.long) values[option.long.replace(/^--/, '')] = parsed[option.attributeName()];
  }
  return values;
}

/** A required string flag. */
export function requireFlag(values: FlagValues, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.length === 0)
    throw new UsageError(`--${name} is required`);
  return value;
}

/** An optional string flag. */
export function optionalFlag(values: FlagValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** The base URL from `--url` or `KEYGATE_URL`, checked to be http(s). */
export function baseUrlFrom(
  values: FlagValues,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const raw = optionalFlag(values, 'url') ?? env.KEYGATE_URL;
  if (raw === undefined || raw === '') throw new UsageError('--url (or KEYGATE_URL) is required');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url is not a URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError('--url must be http:// or https://');
  }
  return url.toString().replace(/\/+$/, '');
}
