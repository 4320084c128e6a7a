import { fileURLToPath } from 'node:url';
import type { CleanupStack } from '../lib/cleanup_stack.js';
import { CHILD_PRELOADS, type ServerProcess, startServerProcess } from './start_server_process.js';

const EXPRESS_SERVER = fileURLToPath(new URL('./express_server.ts', import.meta.url));

/**
 * Starts `express_server.ts` as a child on 127.0.0.1, registered on `cleanup`.
 * @param issuer - keygate's URL, whose JWKS `/guarded` verifies tokens with.
 * @param body - the JSON both routes answer.
 * @param nodeFlags - extra node flags, e.g. `--cpu-prof`.
 * @throws Error with the child's output when it does not start.
 */
export async function startExpressServer(
  cleanup: CleanupStack,
  issuer: string,
  body: string,
  nodeFlags: readonly string[] = [],
): Promise<ServerProcess> {
  const server = await startServerProcess({
    name: 'express',
    args: [...nodeFlags, ...CHILD_PRELOADS, EXPRESS_SERVER],
    env: { ...process.env, BENCH_ISSUER: issuer, BENCH_BODY: body, NODE_ENV: 'production' },
    listening: /express listening on (http:\/\/\S+)/,
  });
  cleanup.add('stop express', () => server.stop());
  return server;
}
