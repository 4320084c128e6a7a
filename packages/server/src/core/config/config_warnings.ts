import type { KeygateConfig } from './keygate_config.js';

/**
 * Development defaults that are unsafe in production, each as a one-line warning that says
 * what to change. Empty when the configuration is production-ready.
 */
export function configWarnings(
  config: KeygateConfig,
  context: { masterKeySource: 'env' | 'file' },
): string[] {
  const warnings: string[] = [];
  if (context.masterKeySource === 'file') {
    warnings.push(
      'the master key is a file beside the data it protects; set KEYGATE_MASTER_KEY from a secret store in production',
    );
  }
  const issuer = new URL(config.issuer);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
  if (issuer.protocol === 'http:' && !loopback) {
    warnings.push(
      `issuer ${config.issuer} is plain http on a public name; serve keygate over https`,
    );
  }
  if (config.wsse.lifetimeSeconds === -1) {
    warnings.push(
      'wsse.lifetimeSeconds is -1: WSSE headers never expire and nonces are kept forever',
    );
  }
  return warnings;
}
