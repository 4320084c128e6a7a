import type { IncomingMessage, Server } from 'node:http';

/** One request as the server's HTTP listener saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
}

/** Requests counted at a running server, see {@link countRequests}. */
export interface RequestCounter {
  /** Every request since the last reset, in arrival order. */
  readonly seen: readonly SeenRequest[];
  /** How many requests matched `method` and `path` (the path without its query). */
  count(method: string, path: string): number;
  reset(): void;
  stop(): void;
}

/**
 * Counts the requests a running test server receives, at its Node HTTP listener (a Fastify
 * instance cannot take new hooks once it listens). Used to show at the server how many
 * grants, refreshes or API calls a client really sent.
 */
export function countRequests(server: {
  readonly app: { readonly server: Server };
}): RequestCounter {
  let seen: SeenRequest[] = [];
  const listener = (request: IncomingMessage) => {
    const url = request.url ?? '';
    const at = url.indexOf('?');
    seen.push({ method: request.method ?? '', path: at < 0 ? url : url.slice(0, at) });
  };
  server.app.server.prependListener('request', listener);
  return {
    get seen() {
      return seen;
    },
    count: (method, path) => seen.filter((r) => r.method === method && r.path === path).length,
    reset: () => {
      seen = [];
    },
    stop: () => {
      server.app.server.off('request', listener);
    },
  };
}
