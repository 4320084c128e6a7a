import { connect, createServer, type Server, type Socket } from 'node:net';

/** How the proxy treats connections. */
export type TcpProxyMode = 'forward' | 'refuse' | 'blackhole';

/**
 * A loopback TCP proxy in front of a shared service (PostgreSQL, Redis), to take the service
 * away from keygate without stopping it for everyone else on the machine (S-4 tests):
 * - `forward`: pipes every connection to the target;
 * - `refuse`: cuts every open connection and resets new ones at once (the service is down);
 * - `blackhole`: open connections stop carrying data (held open, silent) and new ones are
 *   accepted but never answered, as when the service hangs or the network drops packets, so
 *   only timeouts can end a request. Back to `forward`, the held connections are cut.
 */
export interface TcpProxy {
  /** `127.0.0.1:<port>` of the proxy. */
  readonly host: string;
  readonly port: number;
  /** Switches the mode (see {@link TcpProxy}). */
  setMode(mode: TcpProxyMode): void;
  /** Stops listening and cuts everything. */
  close(): Promise<void>;
}

/**
 * Starts a proxy on a free loopback port, forwarding to `targetHost:targetPort`.
 * @param targetPort - e.g. 5432.
 * @param targetHost - default `127.0.0.1`.
 */
export async function startTcpProxy(
  targetPort: number,
  targetHost = '127.0.0.1',
): Promise<TcpProxy> {
  let mode: TcpProxyMode = 'forward';
  const open = new Set<Socket>();
  const pairs = new Set<[Socket, Socket]>();
  const track = (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => {});
  };
  const server: Server = createServer((client) => {
    track(client);
    if (mode === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    if (mode === 'blackhole') return;
    const upstream = connect(targetPort, targetHost);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.on('close', () => {
      pairs.delete(pair);
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  const cutAll = () => {
    for (const socket of open) socket.resetAndDestroy();
    open.clear();
  };
  return {
    host: '127.0.0.1',
    port: address.port,
    setMode(next) {
      const previous = mode;
      mode = next;
      if (next === 'refuse' || (next === 'forward' && previous === 'blackhole')) cutAll();
      if (next === 'blackhole') {
        for (const [client, upstream] of pairs) {
          client.unpipe(upstream);
          upstream.unpipe(client);
          client.pause();
          upstream.pause();
        }
      }
    },
    async close() {
      cutAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
