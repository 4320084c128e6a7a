import { fileURLToPath } from 'node:url';
import type { CleanupStack } from '../lib/cleanup_stack.js';
import { CHILD_PRELOADS, type ServerProcess, startServerProcess } from './start_server_process.js';

const BARE_SERVER = fileURLToPath(new URL('./bare_server.ts', import.meta.url));

/**
 * Starts `bare_server.ts` (Fastify, no authentication) as a child on 127.0.0.1, answering
 * `body` on `GET /api/v1/me`, registered on `cleanup`.
 * @param body - the JSON keygate answered, so both servers send the same bytes.
 * @param nodeFlags - extra node flags, e.g. `--cpu-prof`.
 * @throws Error with the child's output when it does not start.
 */
export async function startBareServer(
  cleanup: CleanupStack,
  body: string,
  nodeFlags: readonly string[] = [],
): Promise<ServerProcess> {
  const bare = await startServerProcess({
    name: 'bare',
    args: [...nodeFlags, ...CHILD_PRELOADS, BARE_SERVER],
    env: { ...process.env, BENCH_BARE_BODY: body },
    listening: /bare listening on (http:\/\/\S+)/,
  });
  cleanup.add('stop bare', () => bare.stop());
  return bare;
}
