import { createServer } from 'node:net';

/**
 * Asks the OS for a free TCP port on `host`. `serve --port 0` uses it before building the
 * configuration, so the default issuer names the real port rather than `:0`.
 */
export function findFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
