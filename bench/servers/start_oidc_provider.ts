import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { CleanupStack } from '../lib/cleanup_stack.js';
import { CHILD_PRELOADS, type ServerProcess, startServerProcess } from './start_server_process.js';

const OIDC_SERVER = fileURLToPath(new URL('./oidc_server.ts', import.meta.url));

/** oidc-provider in its child process, with the one client it knows. */
export interface OidcTarget {
  readonly server: ServerProcess;
  readonly clientId: string;
  readonly clientSecret: string;
}

/**
 * Starts `oidc_server.ts` (oidc-provider 9, client_credentials, ES256 JWT access tokens) as a
 * child on 127.0.0.1 with a random client secret, registered on `cleanup`. oidc-provider 9
 * warns at start that Node.js 20 is not a runtime it supports; the warning is left as is.
 * @throws Error with the child's output when it does not start.
 */
export async function startOidcProvider(
  cleanup: CleanupStack,
  options: { readonly nodeFlags?: readonly string[] } = {},
): Promise<OidcTarget> {
  const clientId = 'bench-client';
  const clientSecret = randomBytes(32).toString('base64url');
  const server = await startServerProcess({
    name: 'oidc_client_credentials',
    args: [...(options.nodeFlags ?? []), ...CHILD_PRELOADS, OIDC_SERVER],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      BENCH_OIDC_CLIENT_ID: clientId,
      BENCH_OIDC_CLIENT_SECRET: clientSecret,
    },
    listening: /oidc listening on (http:\/\/\S+)/,
  });
  cleanup.add('stop oidc-provider', () => server.stop());
  return { server, clientId, clientSecret };
}
