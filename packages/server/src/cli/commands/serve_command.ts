import type { Command } from 'commander';
import { ensureInitialAdmin, type InitialAdmin } from '../../core/admin/ensure_initial_admin.js';
import { unixSeconds } from '../../core/clock.js';
import { configWarnings } from '../../core/config/config_warnings.js';
import { requireUsableIssuer } from '../../core/config/require_usable_issuer.js';
import { ensureSigningKey } from '../../core/signing_keys/ensure_signing_key.js';
import { buildApp } from '../../http/build_app.js';
import { composeServices } from '../../runtime/compose_services.js';
import { dataDirWarnings } from '../../runtime/data_dir_warnings.js';
import { findFreePort } from '../../runtime/find_free_port.js';
import { logClockSteps } from '../../runtime/log_clock_steps.js';
import { openRuntime } from '../../runtime/runtime.js';
import { watchClockSteps } from '../../runtime/watch_clock_steps.js';
import { type CliIo, configFor } from '../cli_io.js';

/** How often expired records (nonces, counters, codes, revocations, token families …) are swept. */
const PURGE_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Extra seconds a token family is kept beyond the access token lifetime once nothing else
 * holds it, for clocks that differ between processes and a lifetime lowered since issue.
 */
const FAMILY_PURGE_MARGIN_SECONDS = 86_400;

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
      requireUsableIssuer(config);
      if (config.port === 0) {
        config = configFor(io, command, { ...flags, port: await findFreePort(config.host) });
      }
      const runtime = await openRuntime(config, { env: io.env, initialize: true });
      const { logger } = runtime;
      const context = { masterKeySource: runtime.masterKeySource, store: runtime.store.kind };
      for (const warning of configWarnings(config, context)) {
        logger.warn({ event: 'config.unsafe_default' }, warning);
      }
      for (const warning of runtime.storeWarnings) {
        logger.warn({ event: 'store.unsafe_setting' }, warning);
      }
      for (const warning of dataDirWarnings(config.dataDir)) {
        logger.warn({ event: 'data_dir.unsafe_permissions' }, warning);
      }
      const signingKey = await ensureSigningKey(runtime);
      if (signingKey.created) {
        logger.info({ event: 'signing_key.created', kid: signingKey.kid }, 'created a signing key');
      }
      const app = await buildApp(composeServices(runtime));
      let admin: InitialAdmin | null;
      try {
        await app.listen({ host: config.host, port: config.port });
        // Only once listening: a first start that cannot listen (port in use) must not leave
        // an admin behind whose password was never shown.
        admin = await ensureInitialAdmin(runtime);
      } catch (error) {
        await app.close();
        await runtime.close();
        throw error;
      }
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

      // Everything that would otherwise only grow; each store call is one statement, so a
      // purge racing another process's purge or a request deletes nothing still in use.
      const { store } = runtime;
      const sweeps: readonly [string, (now: number) => Promise<number>][] = [
        ['nonces', (now) => store.nonces.purgeExpired(now)],
        ['rate_counters', (now) => store.counters.purgeExpired(now)],
        ['authorization_codes', (now) => store.authorizationCodes.purgeExpired(now)],
        [
          'token_families',
          (now) =>
            store.tokenFamilies.purgeExpired(
              now,
              config.oauth.accessTokenLifetimeSeconds + FAMILY_PURGE_MARGIN_SECONDS,
            ),
        ],
        ['revoked_access_tokens', (now) => store.revokedAccessTokens.purgeExpired(now)],
        [
          'legacy_refresh_tokens',
          (now) => store.legacyRefreshTokens.purge(now, config.legacy.refreshIdleSeconds),
        ],
      ];
      const sweepAll = () => {
        const now = unixSeconds(runtime.now());
        for (const [table, sweep] of sweeps) {
          sweep(now)
            .then((purged) => logger.debug({ event: 'store.purged', table, purged }, 'purged'))
            .catch((error: unknown) => logger.warn({ err: error, table }, 'purge failed'));
        }
      };
      sweepAll();
      const purge = setInterval(sweepAll, PURGE_INTERVAL_MS);
      purge.unref();
      const clockSteps = watchClockSteps({
        onStep: logClockSteps(logger, config.wsse.clockStepMarginSeconds),
      });

      const shutdown = async (signal: string) => {
        logger.info({ event: 'server.stopping', signal }, 'keygate stopping');
        clearInterval(purge);
        clockSteps.stop();
        await app.close();
        await runtime.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
    });
}
