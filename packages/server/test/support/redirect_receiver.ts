import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny HTTP server standing in for an OAuth client's redirect URI: it records every request
 * it receives and answers 200, so a real browser completes the redirect to it.
 */
export interface RedirectReceiver {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Every request received, in order (absolute URLs). */
  readonly received: URL[];
  /** An absolute URL on this server, to register as a redirect URI. */
  uri(path: string): string;
  /** The last request received on `path` (ignores favicon and other stray requests). */
  lastOn(path: string): URL | null;
  close(): Promise<void>;
}

/** Starts a {@link RedirectReceiver} on 127.0.0.1 and a random port. */
export async function startRedirectReceiver(): Promise<RedirectReceiver> {
  const received: URL[] = [];
  let origin = '';
  const server: Server = createServer((request, response) => {
    received.push(new URL(request.url ?? '/', origin));
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    });
    response.end('<!doctype html><title>client</title><p>redirect received</p>');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    received,
    uri: (path) => `${origin}${path}`,
    lastOn(path) {
      for (let i = received.length - 1; i >= 0; i -= 1) {
        const url = received[i];
        if (url && url.pathname === path) return url;
      }
      return null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
