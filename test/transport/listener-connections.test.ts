import http from 'node:http';
import net from 'node:net';
import { sendWebhook, type WebhookRequest } from '../../src/delivery/http-sender';
import { ListenerConnections } from '../../src/delivery/listener-connections';
import { parseAllowList } from '../../src/security/address-policy';
import type { Resolver, TargetPolicy } from '../../src/security/target-guard';
import { closeServer, listen, loopbackPolicy, selfSignedCertificate, startTlsListener, waitFor, watchConnectionAttempts } from './listeners';

const MB = 1024 * 1024;
const servers: net.Server[] = [];
const pools: ListenerConnections[] = [];

/** A listener that counts the TCP connections it accepts and the requests on each. */
interface CountingListener {
  port: number;
  /** Connections accepted so far. */
  connections: () => number;
  /** Sockets that are still open on the listener's side. */
  openSockets: () => number;
  /** Host header of every request, per accepting socket. */
  hostsBySocket: Map<net.Socket, string[]>;
  requests: () => number;
}

async function startListener(handler: http.RequestListener, host = '127.0.0.1', port = 0): Promise<CountingListener> {
  const open = new Set<net.Socket>();
  const hostsBySocket = new Map<net.Socket, string[]>();
  let connections = 0;
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests += 1;
    hostsBySocket.get(req.socket)?.push(req.headers.host ?? '');
    handler(req, res);
  });
  server.on('connection', (socket: net.Socket) => {
    connections += 1;
    open.add(socket);
    hostsBySocket.set(socket, []);
    socket.on('close', () => open.delete(socket));
  });
  servers.push(server);
  const boundPort = await listen(server, host, port);
  return {
    port: boundPort,
    connections: () => connections,
    openSockets: () => open.size,
    hostsBySocket,
    requests: () => requests,
  };
}

const tcpSockets = new Set<net.Socket>();

/** Starts a raw TCP listener; its sockets are destroyed after each test, since net.Server cannot close them itself. */
async function serveTcp(onConnection: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer((socket) => {
    tcpSockets.add(socket);
    socket.on('close', () => tcpSockets.delete(socket));
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  servers.push(server);
  return listen(server);
}

function createPool(options: ConstructorParameters<typeof ListenerConnections>[0] = {}): ListenerConnections {
  const pool = new ListenerConnections(options);
  pools.push(pool);
  return pool;
}

function webhook(url: string, overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return { url, headers: { 'content-type': 'application/json' }, body: '{"eventType":"Test"}', timeoutMs: 2000, maxResponseBytes: 64 * 1024, ...overrides };
}

/** Creates a resolver stub that maps each host name to one IPv4 address. */
function mappedResolver(addresses: Record<string, string>): Resolver {
  return async (hostname) => {
    const address = addresses[hostname];
    if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return [{ address, family: 4 }];
  };
}

/** Returns the next address of `answers` on each call, then repeats the last one. */
function rebindingResolver(answers: string[]): Resolver {
  let calls = 0;
  return async () => {
    const address = answers[Math.min(calls, answers.length - 1)];
    calls += 1;
    return [{ address, family: 4 }];
  };
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
  for (const socket of tcpSockets) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => closeServer(server)));
});

describe('ListenerConnections reuse', () => {
  test('sequential attempts share one socket', async () => {
    const listener = await startListener((_req, res) => res.end('ok'));
    const pool = createPool();
    const url = `http://hooks.example.test:${listener.port}/hook`;

    for (let attempt = 1; attempt <= 5; attempt++) {
      const result = await sendWebhook(webhook(url), loopbackPolicy(), pool);
      expect(result.statusCode).toBe(200);
      expect(result.error).toBeNull();
      expect(result.responseBody).toBe('ok');
      expect(result.remoteAddress).toBe('127.0.0.1');
    }

    expect(listener.requests()).toBe(5);
    expect(listener.connections()).toBe(1);
    expect([...listener.hostsBySocket.values()]).toEqual([Array(5).fill(`hooks.example.test:${listener.port}`)]);
  });

  test('cut 100 MB body closes its socket', async () => {
    const total = 100 * MB;
    let offered = 0;
    let largeResponseClosed = false;
    const listener = await startListener((req, res) => {
      if (req.url !== '/large') {
        res.end('small');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(total) });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const pump = () => {
        while (offered < total && !res.destroyed) {
          offered += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      res.on('close', () => (largeResponseClosed = true));
      pump();
    });
    const pool = createPool({ maxConnectionsPerListener: 1 });
    const rssBefore = process.memoryUsage().rss;

    const large = await sendWebhook(webhook(`http://127.0.0.1:${listener.port}/large`, { timeoutMs: 10_000 }), loopbackPolicy(), pool);

    expect(large.statusCode).toBe(200);
    expect(large.error).toBeNull();
    expect(large.responseBodyTruncated).toBe(true);
    expect(large.responseBody).toHaveLength(64 * 1024);
    await waitFor(() => largeResponseClosed, 'the listener to see the large response end');
    await waitFor(() => listener.openSockets() === 0, 'the socket with unread body bytes to close');
    expect(offered).toBeLessThan(16 * MB);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(50 * MB);

    const small = await sendWebhook(webhook(`http://127.0.0.1:${listener.port}/small`), loopbackPolicy(), pool);

    expect(small.statusCode).toBe(200);
    expect(small.responseBody).toBe('small');
    expect(listener.connections()).toBe(2);
  });

  test('timeout on a reused socket is in headers', async () => {
    const listener = await startListener((req, res) => {
      if (req.url !== '/hang') res.end('ok');
    });
    const pool = createPool();
    const base = `http://127.0.0.1:${listener.port}`;

    const first = await sendWebhook(webhook(`${base}/`), loopbackPolicy(), pool);
    expect(first.statusCode).toBe(200);

    const hung = await sendWebhook(webhook(`${base}/hang`, { timeoutMs: 300 }), loopbackPolicy(), pool);

    expect(hung.statusCode).toBe(0);
    expect(hung.errorKind).toBe('timeout');
    expect(hung.error).toBe('Timed out after 300 ms waiting for response headers');
    expect(hung.remoteAddress).toBe('127.0.0.1');
    expect(listener.connections()).toBe(1);
    await waitFor(() => listener.openSockets() === 0, 'the timed-out socket to close');

    const after = await sendWebhook(webhook(`${base}/`), loopbackPolicy(), pool);

    expect(after.statusCode).toBe(200);
    expect(listener.connections()).toBe(2);
  });

  test('full pool times out waiting for a free connection', async () => {
    const held: http.ServerResponse[] = [];
    const listener = await startListener((req, res) => {
      if (req.url === '/hold') held.push(res);
      else res.end('ok');
    });
    const pool = createPool({ maxConnectionsPerListener: 1 });
    const base = `http://127.0.0.1:${listener.port}`;

    const holding = sendWebhook(webhook(`${base}/hold`, { timeoutMs: 5000 }), loopbackPolicy(), pool);
    await waitFor(() => held.length === 1, 'the first attempt to reach the listener');

    const queued = await sendWebhook(webhook(`${base}/`, { timeoutMs: 200 }), loopbackPolicy(), pool);

    expect(queued.statusCode).toBe(0);
    // Nothing was sent, so the attempt carries no error kind and cannot count against the listener.
    expect(queued.errorKind).toBeNull();
    expect(queued.error).toBe(`Not sent. Timed out after 200 ms waiting for a free connection to 127.0.0.1:${listener.port}`);
    expect(listener.requests()).toBe(1);

    held[0].end('released');
    const first = await holding;
    expect(first.statusCode).toBe(200);
    expect(first.responseBody).toBe('released');

    const next = await sendWebhook(webhook(`${base}/`), loopbackPolicy(), pool);
    expect(next.statusCode).toBe(200);
    expect(listener.connections()).toBe(1);
  });

  test('concurrent attempts stay within the limit', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const listener = await startListener((_req, res) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setImmediate(() => {
        inFlight -= 1;
        res.end('ok');
      });
    });
    const pool = createPool({ maxConnectionsPerListener: 2 });

    const results = await Promise.all(
      Array.from({ length: 6 }, () => sendWebhook(webhook(`http://127.0.0.1:${listener.port}/`), loopbackPolicy(), pool)),
    );

    expect(results.map((result) => result.statusCode)).toEqual(Array(6).fill(200));
    expect(listener.connections()).toBe(2);
    expect(maxInFlight).toBeLessThanOrEqual(2);
  });

  test('redirect returned, framing headers dropped', async () => {
    const received: http.IncomingHttpHeaders[] = [];
    const listener = await startListener((req, res) => {
      received.push(req.headers);
      res.writeHead(302, { location: '/elsewhere' });
      res.end('moved');
    });
    const pool = createPool();
    const headers = { 'content-type': 'application/json', Host: 'evil.example.test', Connection: 'close', 'Transfer-Encoding': 'chunked' };

    for (let attempt = 1; attempt <= 2; attempt++) {
      const result = await sendWebhook(webhook(`http://hooks.example.test:${listener.port}/start`, { headers }), loopbackPolicy(), pool);

      expect(result.statusCode).toBe(302);
      expect(result.errorKind).toBe('http_status');
      expect(result.error).toBe('HTTP 302 Found: redirects are not followed (Location: /elsewhere)');
    }

    expect(listener.requests()).toBe(2);
    expect(listener.connections()).toBe(1);
    expect(received[1].host).toBe(`hooks.example.test:${listener.port}`);
    expect(received[1].connection).toBe('keep-alive');
    expect(received[1]['transfer-encoding']).toBeUndefined();
  });

  test('TLS handshake timeout frees the connection', async () => {
    let closed = 0;
    const port = await serveTcp((socket) => {
      // Reading the ClientHello lets the listener see the client's FIN.
      socket.resume();
      socket.on('close', () => (closed += 1));
    });
    const pool = createPool({ maxConnectionsPerListener: 1 });
    const url = `https://hooks.example.test:${port}/`;

    for (let attempt = 1; attempt <= 2; attempt++) {
      const result = await sendWebhook(webhook(url, { timeoutMs: 300 }), loopbackPolicy(), pool);

      expect(result.statusCode).toBe(0);
      expect(result.errorKind).toBe('timeout');
      expect(result.error).toBe(`Timed out after 300 ms during the TLS handshake with 127.0.0.1:${port}`);
      await waitFor(() => closed === attempt, 'the client to close the socket');
    }
  });
});

describe('ListenerConnections TLS', () => {
  const certificate = selfSignedCertificate('hooks.example.test');
  (certificate ? test : test.skip)('SNI is the host name; self-signed is rejected', async () => {
    const { server, port, serverNames, requests } = await startTlsListener(certificate!);
    servers.push(server);
    const pool = createPool();

    const result = await sendWebhook(webhook(`https://hooks.example.test:${port}/`), loopbackPolicy(), pool);

    expect(result.statusCode).toBe(0);
    expect(result.errorKind).toBe('tls');
    expect(result.error).toContain('self-signed certificate');
    expect(serverNames).toEqual(['hooks.example.test']);
    expect(requests()).toBe(0);
  });
});

describe('ListenerConnections addresses', () => {
  test('hosts on different addresses never share a socket', async () => {
    const one = await startListener((_req, res) => res.end('one'));
    const two = await startListener((_req, res) => res.end('two'), '127.0.0.2', one.port);
    const policy = loopbackPolicy(mappedResolver({ 'one.example.test': '127.0.0.1', 'two.example.test': '127.0.0.2' }));
    const pool = createPool();

    for (let round = 0; round < 3; round++) {
      const first = await sendWebhook(webhook(`http://one.example.test:${one.port}/`), policy, pool);
      const second = await sendWebhook(webhook(`http://two.example.test:${one.port}/`), policy, pool);

      expect(first.responseBody).toBe('one');
      expect(first.remoteAddress).toBe('127.0.0.1');
      expect(second.responseBody).toBe('two');
      expect(second.remoteAddress).toBe('127.0.0.2');
    }

    expect(one.connections()).toBe(1);
    expect(two.connections()).toBe(1);
    expect([...one.hostsBySocket.values()]).toEqual([Array(3).fill(`one.example.test:${one.port}`)]);
    expect([...two.hostsBySocket.values()]).toEqual([Array(3).fill(`two.example.test:${one.port}`)]);
    expect(pool.listenerCount).toBe(2);
  });

  test('host names on one address use separate sockets', async () => {
    const listener = await startListener((_req, res) => res.end('ok'));
    const policy = loopbackPolicy(mappedResolver({ 'a.example.test': '127.0.0.1', 'b.example.test': '127.0.0.1' }));
    const pool = createPool();

    for (let round = 0; round < 2; round++) {
      for (const host of ['a.example.test', 'b.example.test']) {
        const result = await sendWebhook(webhook(`http://${host}:${listener.port}/`), policy, pool);
        expect(result.statusCode).toBe(200);
      }
    }

    expect(listener.connections()).toBe(2);
    const hostsPerSocket = [...listener.hostsBySocket.values()].map((hosts) => new Set(hosts).size);
    expect(hostsPerSocket).toEqual([1, 1]);
  });

  test('rebinding host gets a new socket', async () => {
    const one = await startListener((_req, res) => res.end('127.0.0.1'));
    const two = await startListener((_req, res) => res.end('127.0.0.2'), '127.0.0.2', one.port);
    const policy = loopbackPolicy(rebindingResolver(['127.0.0.1', '127.0.0.2', '127.0.0.1']));
    const pool = createPool();
    const url = `http://rebind.example.test:${one.port}/hook`;

    const first = await sendWebhook(webhook(url), policy, pool);
    const second = await sendWebhook(webhook(url), policy, pool);
    const third = await sendWebhook(webhook(url), policy, pool);

    expect(first.responseBody).toBe('127.0.0.1');
    expect(second.responseBody).toBe('127.0.0.2');
    expect(second.remoteAddress).toBe('127.0.0.2');
    expect(third.responseBody).toBe('127.0.0.1');
    expect(one.requests()).toBe(2);
    expect(one.connections()).toBe(1);
    expect(two.requests()).toBe(1);
    expect(two.connections()).toBe(1);
  });

  test('rebinding to a forbidden address is rejected despite an open socket', async () => {
    const listener = await startListener((_req, res) => res.end('ok'));
    const policy: TargetPolicy = {
      allowHttp: true,
      allowList: parseAllowList(['127.0.0.1/32']),
      resolve: rebindingResolver(['127.0.0.1', '127.0.0.3']),
    };
    const pool = createPool();
    const url = `http://rebind.example.test:${listener.port}/hook`;

    const first = await sendWebhook(webhook(url), policy, pool);
    expect(first.statusCode).toBe(200);
    expect(listener.openSockets()).toBe(1);

    const attempts = watchConnectionAttempts();
    try {
      const second = await sendWebhook(webhook(url), policy, pool);

      expect(second.errorKind).toBe('rejected_target');
      expect(second.error).toContain('127.0.0.3');
      expect(attempts.count()).toBe(0);
    } finally {
      attempts.stop();
    }
    expect(listener.requests()).toBe(1);
  });
});

describe('ListenerConnections lifecycle', () => {
  test('close ends idle and busy sockets', async () => {
    const held: http.ServerResponse[] = [];
    const one = await startListener((_req, res) => res.end('ok'));
    const two = await startListener((req, res) => {
      if (req.url === '/hold') held.push(res);
      else res.end('ok');
    });
    const pool = createPool();

    expect((await sendWebhook(webhook(`http://127.0.0.1:${one.port}/`), loopbackPolicy(), pool)).statusCode).toBe(200);
    const holding = sendWebhook(webhook(`http://127.0.0.1:${two.port}/hold`), loopbackPolicy(), pool);
    await waitFor(() => held.length === 1, 'the held request to reach the listener');
    // The held request keeps its connection busy, so this one opens a second socket.
    expect((await sendWebhook(webhook(`http://127.0.0.1:${two.port}/`), loopbackPolicy(), pool)).statusCode).toBe(200);
    expect(one.openSockets()).toBe(1);
    expect(two.openSockets()).toBe(2);

    await pool.close();

    await waitFor(() => one.openSockets() === 0 && two.openSockets() === 0, 'every socket to close');
    const interrupted = await holding;
    expect(interrupted.statusCode).toBe(0);
    expect(interrupted.errorKind).toBe('network');
    expect(interrupted.error).toBe(`Request to 127.0.0.1:${two.port} failed: Listener connections were closed because docpush is shutting down`);
    expect(pool.listenerCount).toBe(0);

    const afterClose = await sendWebhook(webhook(`http://127.0.0.1:${one.port}/`), loopbackPolicy(), pool);
    expect(afterClose.errorKind).toBeNull();
    expect(afterClose.error).toContain('Listener connections are closed');
    expect(one.requests()).toBe(1);
  });

  test('close rejects waiting attempts', async () => {
    const held: http.ServerResponse[] = [];
    const listener = await startListener((_req, res) => held.push(res));
    const pool = createPool({ maxConnectionsPerListener: 1 });
    const url = `http://127.0.0.1:${listener.port}/`;

    const holding = sendWebhook(webhook(url), loopbackPolicy(), pool);
    await waitFor(() => held.length === 1, 'the first attempt to reach the listener');
    const waiting = sendWebhook(webhook(url), loopbackPolicy(), pool);

    await pool.close();

    const waited = await waiting;
    expect(waited.errorKind).toBeNull();
    expect(waited.error).toContain('Listener connections are closed');
    expect((await holding).error).toContain('Listener connections were closed');
    expect(listener.requests()).toBe(1);
  });

  test('idle listener is evicted', async () => {
    const listener = await startListener((_req, res) => res.end('ok'));
    const pool = createPool({ idleTimeoutMs: 50 });

    const result = await sendWebhook(webhook(`http://127.0.0.1:${listener.port}/`), loopbackPolicy(), pool);

    expect(result.statusCode).toBe(200);
    expect(pool.listenerCount).toBe(1);
    await waitFor(() => pool.listenerCount === 0, 'the idle listener to be evicted');
    await waitFor(() => listener.openSockets() === 0, 'the evicted socket to close');
  });

  test('invalid options are rejected', () => {
    expect(() => new ListenerConnections({ maxConnectionsPerListener: 0 })).toThrow(RangeError);
    expect(() => new ListenerConnections({ maxConnectionsPerListener: 1.5 })).toThrow(RangeError);
    expect(() => new ListenerConnections({ idleTimeoutMs: 0 })).toThrow(RangeError);
  });
});
