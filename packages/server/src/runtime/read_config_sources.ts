import { readFileSync } from 'node:fs';
import { CONFIG_ENV_NAMES } from '../core/config/defaults.js';
import type { KeygateConfig } from '../core/config/keygate_config.js';
import { ConfigError, type RawConfig, validateConfig } from '../core/config/validate_config.js';

/**
 * Reads configuration from its three sources and validates it once: the JSON file named
 * by `--config` or `KEYGATE_CONFIG`, then `KEYGATE_*` environment variables, then flags.
 */
export function readConfig(options: {
  env: NodeJS.ProcessEnv;
  flags: RawConfig;
  configFile?: string | undefined;
}): KeygateConfig {
  const file = options.configFile ?? options.env.KEYGATE_CONFIG;
  return validateConfig(file ? readConfigFile(file) : {}, fromEnv(options.env), options.flags);
}

function fromEnv(env: NodeJS.ProcessEnv): RawConfig {
  const layer: RawConfig = {};
  for (const [path, name] of Object.entries(CONFIG_ENV_NAMES)) {
    const value = env[name];
    if (value !== undefined && value !== '') layer[path] = value;
  }
  return layer;
}

function readConfigFile(file: string): RawConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError([{ path: 'config file', message: `cannot read ${file} (${reason})` }]);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new Error('not an object');
    }
    return parsed as RawConfig;
  } catch {
    throw new ConfigError([
      { path: 'config file', message: `${file} must contain one JSON object` },
    ]);
  }
}
