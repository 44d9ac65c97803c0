import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Closes every proxied connection and stops listening, so new connections are refused. */
  cut(): Promise<void>;
  /**
   * Listens again on the same port and forwards new connections, and those held by `stall`
   * unless `held` is 'keep'.
   */
  restore(options?: { held: 'forward' | 'keep' }): Promise<void>;
  /** Closes the connections held by `stall`, so their connection attempts fail. */
  dropHeld(): void;
  /**
   * Listens again on the same port but keeps new connections open without forwarding them, as a
   * database host that stopped responding would, until `restore`.
   */
  stall(): Promise<void>;
  /**
   * Stops forwarding on every open connection without closing it, as a NAT or firewall that drops
   * a connection silently would. New connections are forwarded as before.
   */
  freeze(): void;
  /** Connections held open by `stall` so far. */
  readonly stalledConnections: number;
  /** Client connections open now, forwarded or held. */
  readonly openConnections: number;
  close(): Promise<void>;
}

/** Forwards TCP connections from a free port on 127.0.0.1 to `target`, until cut. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const clients = new Set<net.Socket>();
  let stalledConnections = 0;
  const held: net.Socket[] = [];
  let server = createServer('forward');
  await listen(server, 0);
  const port = (server.address() as net.AddressInfo).port;

  function track(socket: net.Socket): void {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  function createServer(mode: 'forward' | 'stall'): net.Server {
    return net.createServer((client) => {
      track(client);
      clients.add(client);
      client.on('close', () => clients.delete(client));
      if (mode === 'stall') {
        stalledConnections += 1;
        held.push(client);
        return;
      }
      forward(client);
    });
  }

  function forward(client: net.Socket): void {
    const upstream = net.connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  async function cut(): Promise<void> {
    held.length = 0;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  }

  async function reopen(mode: 'forward' | 'stall', heldConnections: 'forward' | 'keep' = 'forward'): Promise<void> {
    // Stops accepting at once; close's callback would wait for the held connections to end.
    if (server.listening) server.close();
    server = createServer(mode);
    await listen(server, port);
    if (mode === 'forward' && heldConnections === 'forward') for (const client of held.splice(0)) if (!client.destroyed) forward(client);
  }

  return {
    port,
    cut,
    restore: (options) => reopen('forward', options?.held),
    dropHeld: () => {
      for (const client of held.splice(0)) client.destroy();
    },
    stall: () => reopen('stall'),
    freeze: () => {
      for (const socket of sockets) {
        socket.unpipe();
        socket.pause();
      }
    },
    get stalledConnections() {
      return stalledConnections;
    },
    get openConnections() {
      return clients.size;
    },
    close: cut,
  };
}

function listen(server: net.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
