import type { Store } from '../../store/port.js';
import type { KeygateConfig } from './keygate_config.js';

/**
 * Development defaults that are unsafe in production, each as a one-line warning that says
 * what to change. Empty when the configuration is production-ready.
 *
 * @param context - facts only known once opened: where the master key came from and which
 *   store adapter serves this process.
 */
export function configWarnings(
  config: KeygateConfig,
  context: { masterKeySource: 'env' | 'file'; store: Store['kind'] },
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
  // A PostgreSQL database is meant to be shared by several processes (S-2); each one only
  // accepts tokens naming its own issuer, so a per-process default splits them.
  if (context.store === 'postgres' && config.issuerSource === 'default') {
    warnings.push(
      `issuer defaults to ${config.issuer}, this process's own address, on a shared PostgreSQL database; set KEYGATE_ISSUER to the public URL shared by every instance, or they reject each other's tokens`,
    );
  }
  if (config.wsse.lifetimeSeconds === -1) {
    warnings.push(
      'wsse.lifetimeSeconds is -1: WSSE headers never expire and nonces are kept forever',
    );
  }
  return warnings;
}
