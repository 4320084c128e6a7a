import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the echo upstream saw of one request. */
export interface EchoedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A tiny API behind a proxy, answering each request with the request it got. */
export interface EchoUpstream {
  /** `127.0.0.1:<port>`. */
  readonly address: string;
  /** How many requests reached it. */
  readonly received: () => number;
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on a free loopback port that answers every request with 200 and the
 * JSON of its method, URL, headers and body: what a protected API would have been given.
 */
export async function startEchoUpstream(): Promise<EchoUpstream> {
  let count = 0;
  const server = createServer((request, response) => {
    count += 1;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const echoed: EchoedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      response.writeHead(200, { 'content-type': 'application/json', 'x-echo-upstream': 'yes' });
      response.end(JSON.stringify(echoed));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    received: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
