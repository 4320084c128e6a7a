import type { KeygateConfig } from './keygate_config.js';
import { ConfigError } from './validate_config.js';

/** Hostnames (as `URL` normalises them) that mean "every interface", not one address. */
const WILDCARD_HOSTNAMES = new Set(['0.0.0.0', '[::]']);

/**
 * For `keygate serve`: refuses a default issuer built from a wildcard host (`0.0.0.0`, `::`).
 * Listening on every interface is fine, but `http://0.0.0.0:8080` is no URL a client can
 * reach, and tokens naming it as `iss` would not match the public one; the operator must say
 * which URL that is. Throws `ConfigError` on `issuer`.
 */
export function requireUsableIssuer(config: KeygateConfig): void {
  if (config.issuerSource !== 'default') return;
  if (!WILDCARD_HOSTNAMES.has(new URL(config.issuer).hostname)) return;
  throw new ConfigError([
    {
      path: 'issuer',
      message: `host ${config.host} listens on every interface and is no address clients can use as the issuer; set KEYGATE_ISSUER to the public URL clients reach keygate at, e.g. https://auth.example.com`,
    },
  ]);
}
