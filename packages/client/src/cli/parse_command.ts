import { parseArgs } from 'node:util';
import { UsageError } from './cli_io.js';

/** Option declarations as `node:util` `parseArgs` takes them. */
export type OptionSpec = Record<
  string,
  { type: 'string' | 'boolean'; multiple?: boolean; short?: string }
>;

/** Parsed flags and positionals of one command. */
export interface ParsedCommand {
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  readonly positionals: string[];
}

/** Options every command accepts. */
export const COMMON_OPTIONS: OptionSpec = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
};

/** Strict `parseArgs`: an unknown flag or a missing value is a {@link UsageError}. */
export function parseCommand(args: readonly string[], options: OptionSpec): ParsedCommand {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { values, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
}

/** A required string flag. */
export function requireFlag(values: ParsedCommand['values'], name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.length === 0)
    throw new UsageError(`--${name} is required`);
  return value;
}

/** An optional string flag. */
export function optionalFlag(values: ParsedCommand['values'], name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** The base URL from `--url` or `KEYGATE_URL`, checked to be http(s). */
export function baseUrlFrom(
  values: ParsedCommand['values'],
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
