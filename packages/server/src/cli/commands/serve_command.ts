import type { Command } from 'commander';
import { ensureInitialAdmin, type InitialAdmin } from '../../core/admin/ensure_initial_admin.js';
import { configWarnings } from '../../core/config/config_warnings.js';
import { ensureSigningKey } from '../../core/tokens/ensure_signing_key.js';
import { buildApp } from '../../http/build_app.js';
import { findFreePort } from '../../runtime/find_free_port.js';
import { openRuntime } from '../../runtime/runtime.js';
import { type CliIo, configFor } from '../cli_io.js';

/** How often expired nonce records are swept from the replay store. */
const NONCE_PURGE_INTERVAL_MS = 10 * 60 * 1000;

function welcome(admin: InitialAdmin, url: string): string {
  return [
    '',
    'First start: created organization "default" and user "admin".',
    `  admin password: ${admin.password}`,
    '  (shown only this once; change it or keep it somewhere safe)',
    'Create an API key for WSSE requests:',
    `  npx keygate apikey generate --user ${admin.login} --org ${admin.organization}`,
    'then print curl-ready headers for it and call the API:',
    '  npx keygate wsse generate-header <key>',
    `  curl -H "X-WSSE: …" ${url}/api/v1/me`,
    '',
  ].join('\n');
}

/** `keygate serve`: runs the HTTP server until SIGINT or SIGTERM. */
export function registerServeCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description('run the keygate server')
    .option('--host <host>', 'interface to listen on (default 127.0.0.1)')
    .option('--port <port>', 'TCP port, 0 for any free port (default 8080)')
    .action(async (options: { host?: string; port?: string }, command: Command) => {
      const flags = {
        ...(options.host ? { host: options.host } : {}),
        ...(options.port ? { port: options.port } : {}),
      };
      let config = configFor(io, command, flags);
      if (config.port === 0) {
        config = configFor(io, command, { ...flags, port: await findFreePort(config.host) });
      }
      const runtime = await openRuntime(config, { env: io.env });
      const { logger } = runtime;
      for (const warning of configWarnings(config, { masterKeySource: runtime.masterKeySource })) {
        logger.warn({ event: 'config.unsafe_default' }, warning);
      }
      const admin = await ensureInitialAdmin(runtime);
      const signingKey = await ensureSigningKey(runtime);
      if (signingKey.created) {
        logger.info({ event: 'signing_key.created', kid: signingKey.kid }, 'created a signing key');
      }
      const app = await buildApp(runtime);
      await app.listen({ host: config.host, port: config.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      const url = `http://${host}:${port}`;
      logger.info(
        { event: 'server.listening', url, store: runtime.store.kind },
        'keygate listening',
      );
      if (admin) io.stderr.write(welcome(admin, url));
      io.stderr.write(`keygate listening on ${url}\n`);

      const purge = setInterval(() => {
        runtime.store.nonces
          .purgeExpired(Math.floor(runtime.now() / 1000))
          .then((purged) => logger.debug({ event: 'nonces.purged', purged }, 'purged nonces'))
          .catch((error: unknown) => logger.warn({ err: error }, 'nonce purge failed'));
      }, NONCE_PURGE_INTERVAL_MS);
      purge.unref();

      const shutdown = async (signal: string) => {
        logger.info({ event: 'server.stopping', signal }, 'keygate stopping');
        clearInterval(purge);
        await app.close();
        await runtime.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
    });
}
