import http from 'node:http';
import net from 'node:net';
import readline from 'node:readline';
import { spawn } from 'node:child_process';
import { sendWebhook, type WebhookRequest } from '../../src/delivery/http-sender';
import { parseAllowList } from '../../src/security/address-policy';
import type { Resolver, TargetPolicy } from '../../src/security/target-guard';
import {
  closedPort,
  closeServer,
  fixedResolver,
  listen,
  loopbackPolicy,
  selfSignedCertificate,
  startTlsListener,
  waitFor,
  watchConnectionAttempts,
} from './listeners';

const MB = 1024 * 1024;

/** A listener for a child process: prints its port, then "received" for each request, and responds 200 "ok" 50 ms later. */
const STALL_LISTENER_SOURCE = `
const http = require('node:http');
const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    console.log('received');
    setTimeout(() => response.end('ok'), 50);
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

/** Keeps the event loop busy for `ms`, as a long synchronous task such as a render does. */
function blockEventLoop(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // Busy wait on purpose.
  }
}
const servers: net.Server[] = [];

async function serve(handler: http.RequestListener, host = '127.0.0.1', port = 0): Promise<number> {
  const server = http.createServer(handler);
  servers.push(server);
  return listen(server, host, port);
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

function webhook(url: string, overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return { url, headers: { 'content-type': 'application/json' }, body: '{"eventType":"Test"}', timeoutMs: 2000, maxResponseBytes: 64 * 1024, ...overrides };
}

function openSockets(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap' || name === 'TLSWrap').length;
}

afterEach(async () => {
  for (const socket of tcpSockets) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => closeServer(server)));
});

describe('sendWebhook responses', () => {
  test('2xx is a success with headers and body', async () => {
    const received: Array<{ method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }> = [];
    const port = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ method: req.method, url: req.url, headers: req.headers, body });
        res.setHeader('Set-Cookie', ['a=1', 'b=2']);
        res.setHeader('X-Listener', 'ok');
        res.end('accepted');
      });
    });

    const result = await sendWebhook(
      webhook(`http://hooks.example.test:${port}/hook?x=1#fragment`, {
        headers: { 'Content-Type': 'application/json', 'Webhook-Id': 'msg_1', Host: 'evil.example.test', 'Content-Length': '1' },
      }),
      loopbackPolicy(),
    );

    expect(result.statusCode).toBe(200);
    expect(result.error).toBeNull();
    expect(result.errorKind).toBeNull();
    expect(result.responseBody).toBe('accepted');
    expect(result.responseBodyEncoding).toBe('utf8');
    expect(result.responseBodyTruncated).toBe(false);
    expect(result.responseBodyIncomplete).toBe(false);
    expect(result.responseHeaders['set-cookie']).toBe('a=1, b=2');
    expect(result.responseHeaders['x-listener']).toBe('ok');
    expect(result.remoteAddress).toBe('127.0.0.1');
    expect(result.durationMs).toBeGreaterThanOrEqual(0);

    expect(received).toHaveLength(1);
    expect(received[0].method).toBe('POST');
    expect(received[0].url).toBe('/hook?x=1');
    expect(received[0].headers.host).toBe(`hooks.example.test:${port}`);
    expect(received[0].headers['webhook-id']).toBe('msg_1');
    expect(received[0].headers['content-type']).toBe('application/json');
    expect(received[0].body).toBe('{"eventType":"Test"}');
  });

  test('500 keeps status and body', async () => {
    const port = await serve((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('boom');
    });

    const result = await sendWebhook(webhook(`http://127.0.0.1:${port}/`), loopbackPolicy());

    expect(result.statusCode).toBe(500);
    expect(result.errorKind).toBe('http_status');
    expect(result.error).toBe('HTTP 500 Internal Server Error');
    expect(result.responseBody).toBe('boom');
  });

  test('3xx is returned, not followed', async () => {
    const paths: string[] = [];
    const port = await serve((req, res) => {
      paths.push(req.url ?? '');
      if (req.url === '/start') {
        res.writeHead(302, { location: `http://127.0.0.1:${(req.socket.localPort ?? 0).toString()}/next` });
        res.end('moved');
        return;
      }
      res.end('followed');
    });

    const result = await sendWebhook(webhook(`http://127.0.0.1:${port}/start`), loopbackPolicy());

    expect(result.statusCode).toBe(302);
    expect(result.errorKind).toBe('http_status');
    expect(result.responseHeaders.location).toBe(`http://127.0.0.1:${port}/next`);
    expect(result.error).toContain('HTTP 302 Found');
    expect(result.error).toContain('redirects are not followed');
    expect(result.responseBody).toBe('moved');
    expect(paths).toEqual(['/start']);
  });

  test('socket is closed after the call', async () => {
    // The listener keeps connections alive, so only the client closing its socket ends them.
    const port = await serve((_req, res) => res.end('ok'));
    const baseline = openSockets();

    const result = await sendWebhook(webhook(`http://127.0.0.1:${port}/`), loopbackPolicy());

    expect(result.statusCode).toBe(200);
    await waitFor(() => openSockets() === baseline, 'the client and server sockets to close');
  });
});

describe('sendWebhook response bodies', () => {
  async function bodyResult(body: Buffer | string, maxResponseBytes = 1024) {
    const port = await serve((_req, res) => res.end(body));
    return sendWebhook(webhook(`http://127.0.0.1:${port}/`, { maxResponseBytes }), loopbackPolicy());
  }

  test('non-UTF-8 body is stored as Base64', async () => {
    const bytes = Buffer.from([0x61, 0xc3, 0x28, 0xff, 0xfe]);
    const result = await bodyResult(bytes);

    expect(result.responseBodyEncoding).toBe('base64');
    expect(Buffer.from(result.responseBody, 'base64')).toEqual(bytes);
  });

  test('body with NUL bytes is stored as Base64', async () => {
    const result = await bodyResult('a\u0000b');

    expect(result.responseBodyEncoding).toBe('base64');
    expect(result.responseBody).toBe(Buffer.from('a\u0000b').toString('base64'));
  });

  test('cut multi-byte character is dropped', async () => {
    const result = await bodyResult('ééé', 5);

    expect(result.responseBodyTruncated).toBe(true);
    expect(result.responseBodyEncoding).toBe('utf8');
    expect(result.responseBody).toBe('éé');
  });

  test('cut invalid body stays Base64', async () => {
    const result = await bodyResult(Buffer.from([0x61, 0xff, 0x62, 0x63]), 3);

    expect(result.responseBodyTruncated).toBe(true);
    expect(result.responseBodyEncoding).toBe('base64');
    expect(Buffer.from(result.responseBody, 'base64')).toEqual(Buffer.from([0x61, 0xff, 0x62]));
  });

  test('body of exactly the limit is not truncated', async () => {
    const result = await bodyResult('abc', 3);

    expect(result.responseBody).toBe('abc');
    expect(result.responseBodyTruncated).toBe(false);
  });

  test('limit of zero keeps no body', async () => {
    const result = await bodyResult('abc', 0);

    expect(result.responseBody).toBe('');
    expect(result.responseBodyTruncated).toBe(true);
    expect(result.error).toBeNull();
  });

  test('100 MB response is cut at the limit', async () => {
    const total = 100 * MB;
    let offered = 0;
    let closed = false;
    const port = await serve((_req, res) => {
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
      res.on('close', () => (closed = true));
      pump();
    });
    const rssBefore = process.memoryUsage().rss;

    const result = await sendWebhook(webhook(`http://127.0.0.1:${port}/`, { maxResponseBytes: 64 * 1024, timeoutMs: 10_000 }), loopbackPolicy());

    expect(result.statusCode).toBe(200);
    expect(result.error).toBeNull();
    expect(result.responseBodyTruncated).toBe(true);
    expect(result.responseBodyIncomplete).toBe(false);
    expect(result.responseBody).toHaveLength(64 * 1024);
    expect(result.durationMs).toBeLessThan(5000);
    await waitFor(() => closed, 'the listener to see the connection close');
    // Only socket buffers fill up before the client hangs up; the rest is never produced.
    expect(offered).toBeLessThan(16 * MB);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(50 * MB);
  });
});

describe('sendWebhook bodies cut short', () => {
  /** Starts a raw listener that sends `head` and `body`, then resets the connection. */
  async function resetAfter(head: string, body: Buffer | string): Promise<number> {
    return serveTcp((socket) => {
      socket.once('data', () => socket.write(Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(body)]), () => socket.resetAndDestroy()));
    });
  }

  test.each([
    ['200', 200, 'HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n'],
    ['chunked 200', 200, 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n7\r\n'],
    ['500', 500, 'HTTP/1.1 500 Internal Server Error\r\ncontent-length: 100\r\n\r\n'],
  ])('%s reset mid-body is incomplete', async (_case, status, head) => {
    const port = await resetAfter(head, 'partial');

    const result = await sendWebhook(webhook(`http://127.0.0.1:${port}/`), loopbackPolicy());

    expect(result.statusCode).toBe(status);
    expect(result.responseBody).toBe('partial');
    expect(result.responseBodyIncomplete).toBe(true);
    expect(result.responseBodyTruncated).toBe(false);
    expect(result.errorKind).toBe('reset');
    expect(result.error).toBe(`Connection closed by 127.0.0.1:${port} before the response was complete`);
  });

  test('connection closed mid-body is incomplete', async () => {
    const port = await serveTcp((socket) => {
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial'));
    });

    const result = await sendWebhook(webhook(`http://127.0.0.1:${port}/`), loopbackPolicy());

    expect(result.statusCode).toBe(200);
    expect(result.responseBody).toBe('partial');
    expect(result.responseBodyIncomplete).toBe(true);
  });

  test.each([
    ['read in full', 1024, false],
    ['over the size limit', 4, true],
  ])('non-2xx body %s is complete', async (_case, maxResponseBytes, truncated) => {
    // The body ends in a lone lead byte, which only a body cut short may lose.
    const body = Buffer.from([0x62, 0x6f, 0x6f, 0x6d, 0x21, 0xc3]);
    const port = await serve((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/octet-stream' });
      res.end(body);
    });

    const result = await sendWebhook(webhook(`http://127.0.0.1:${port}/`, { maxResponseBytes }), loopbackPolicy());

    expect(result.statusCode).toBe(500);
    expect(result.error).toBe('HTTP 500 Internal Server Error');
    expect(result.responseBodyTruncated).toBe(truncated);
    expect(result.responseBodyIncomplete).toBe(false);
    if (!truncated) {
      expect(result.responseBodyEncoding).toBe('base64');
      expect(Buffer.from(result.responseBody, 'base64')).toEqual(body);
    }
  });

  test.each([
    ['204', 204, null, null],
    ['304', 304, 'http_status', 'HTTP 304 Not Modified: redirects are not followed (Location: none)'],
  ])('%s with Content-Length is complete', async (_case, status, errorKind, error) => {
    // 204 and 304 responses end after their headers, whatever Content-Length announces.
    const port = await serveTcp((socket) => {
      socket.once('data', () => socket.write(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-length: 10\r\n\r\n`));
    });

    const result = await sendWebhook(webhook(`http://127.0.0.1:${port}/`), loopbackPolicy());

    expect(result.statusCode).toBe(status);
    expect(result.errorKind).toBe(errorKind);
    expect(result.error).toBe(error);
    expect(result.responseBody).toBe('');
    expect(result.responseBodyIncomplete).toBe(false);
  });

  test('multi-byte character cut by a reset is dropped', async () => {
    // 'é' is 0xC3 0xA9; the body ends after the first byte of a second 'é'.
    const port = await resetAfter('HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 100\r\n\r\n', Buffer.from([0xc3, 0xa9, 0xc3]));

    const result = await sendWebhook(webhook(`http://127.0.0.1:${port}/`), loopbackPolicy());

    expect(result.responseBodyIncomplete).toBe(true);
    expect(result.responseBodyEncoding).toBe('utf8');
    expect(result.responseBody).toBe('é');
  });
});

describe('sendWebhook deadline', () => {
  test('slow headers end at the deadline', async () => {
    await serve(() => undefined);
    const port = (servers[0].address() as net.AddressInfo).port;

    const result = await sendWebhook(webhook(`http://127.0.0.1:${port}/`, { timeoutMs: 300 }), loopbackPolicy());

    expect(result.statusCode).toBe(0);
    expect(result.errorKind).toBe('timeout');
    expect(result.error).toBe('Timed out after 300 ms waiting for response headers');
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(result.durationMs).toBeLessThan(2000);
  });

  test('headers trickled byte by byte end at the deadline', async () => {
    const port = await serveTcp((socket) => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\nX-Slow: ');
        const timer = setInterval(() => socket.write('a'), 20);
        socket.on('close', () => clearInterval(timer));
      });
    });

    const result = await sendWebhook(webhook(`http://127.0.0.1:${port}/`, { timeoutMs: 300 }), loopbackPolicy());

    expect(result.statusCode).toBe(0);
    expect(result.errorKind).toBe('timeout');
    expect(result.error).toBe('Timed out after 300 ms waiting for response headers');
    expect(result.durationMs).toBeLessThan(2000);
  });

  test('trickled body keeps the status', async () => {
    const port = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.flushHeaders();
      const timer = setInterval(() => res.write('x'), 20);
      res.on('close', () => clearInterval(timer));
    });

    const result = await sendWebhook(webhook(`http://127.0.0.1:${port}/`, { timeoutMs: 300 }), loopbackPolicy());

    expect(result.statusCode).toBe(200);
    expect(result.errorKind).toBe('timeout');
    expect(result.error).toBe('Timed out after 300 ms reading the response body');
    expect(result.responseBody).toMatch(/^x+$/);
    expect(result.responseBodyIncomplete).toBe(true);
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
    expect(result.durationMs).toBeLessThan(2000);
  });

  test('response during a stalled loop succeeds', async () => {
    // The listener runs in a child process, so that it responds while this process's event loop is blocked.
    const child = spawn(process.execPath, ['-e', STALL_LISTENER_SOURCE], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = readline.createInterface({ input: child.stdout! });
    try {
      const iterator = lines[Symbol.asyncIterator]();
      const port = Number((await iterator.next()).value);
      const sent = sendWebhook(webhook(`http://127.0.0.1:${port}/`, { timeoutMs: 300 }), loopbackPolicy());

      expect((await iterator.next()).value).toBe('received');
      // The listener responds 50 ms after this line, while the loop stays blocked past the deadline.
      blockEventLoop(800);
      const result = await sent;

      expect(result.error).toBeNull();
      expect(result.statusCode).toBe(200);
      expect(result.responseBody).toBe('ok');
    } finally {
      lines.close();
      child.kill();
    }
  });

  test('slow resolver ends at the deadline', async () => {
    const resolve: Resolver = () => new Promise(() => undefined);

    const result = await sendWebhook(webhook('http://hang.example.test/', { timeoutMs: 200 }), loopbackPolicy(resolve));

    expect(result.statusCode).toBe(0);
    expect(result.errorKind).toBe('timeout');
    expect(result.error).toBe('Timed out after 200 ms resolving the host of hang.example.test');
    expect(result.remoteAddress).toBeNull();
  });
});

describe('sendWebhook connection failures', () => {
  test('closed connection is a reset', async () => {
    const port = await serve((req) => req.socket.destroy());

    const result = await sendWebhook(webhook(`http://127.0.0.1:${port}/`), loopbackPolicy());

    expect(result.statusCode).toBe(0);
    expect(result.errorKind).toBe('reset');
    expect(result.error).toBe(`Connection closed by 127.0.0.1:${port} before the response was complete`);
  });

  test('TCP reset is a reset', async () => {
    const port = await serve((req) => req.socket.resetAndDestroy());

    const result = await sendWebhook(webhook(`http://127.0.0.1:${port}/`), loopbackPolicy());

    expect(result.statusCode).toBe(0);
    expect(result.errorKind).toBe('reset');
    expect(result.error).toBe(`Connection reset by 127.0.0.1:${port}`);
  });

  test('closed port is refused', async () => {
    const port = await closedPort();

    const result = await sendWebhook(webhook(`http://127.0.0.1:${port}/`), loopbackPolicy());

    expect(result.statusCode).toBe(0);
    expect(result.errorKind).toBe('refused');
    expect(result.error).toBe(`Connection refused by 127.0.0.1:${port}`);
    expect(result.remoteAddress).toBe('127.0.0.1');
  });

  test('DNS failure is reported without connecting', async () => {
    const resolve: Resolver = async (hostname) => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    };
    const attempts = watchConnectionAttempts();
    try {
      const result = await sendWebhook(webhook('https://nowhere.example.test/hook'), loopbackPolicy(resolve));

      expect(result.statusCode).toBe(0);
      expect(result.errorKind).toBe('dns');
      expect(result.error).toBe('DNS lookup failed for host nowhere.example.test: ENOTFOUND. Check the host name and that this server can resolve it.');
      expect(result.remoteAddress).toBeNull();
      expect(attempts.count()).toBe(0);
    } finally {
      attempts.stop();
    }
  });

  test('invalid header value is not sent', async () => {
    let requests = 0;
    const port = await serve((_req, res) => {
      requests += 1;
      res.end('ok');
    });

    const result = await sendWebhook(webhook(`http://127.0.0.1:${port}/`, { headers: { 'x-injected': 'a\r\nx-evil: 1' } }), loopbackPolicy());

    expect(result.statusCode).toBe(0);
    expect(result.errorKind).toBe('network');
    expect(result.error).toContain('x-injected');
    expect(requests).toBe(0);
  });

  test.each([
    ['100 Continue', 'HTTP/1.1 100 Continue\r\n\r\n', 'an interim 100 Continue response to a request without Expect, or a response that no request was waiting for'],
    ['101 Switching Protocols', 'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n', 'a protocol upgrade that the request did not ask for'],
  ])('unrequested %s is an invalid response', async (_status, response, reason) => {
    // The listener keeps its socket open: the sender closes it, not the listener.
    const port = await serveTcp((socket) => {
      socket.once('data', () => socket.write(response));
    });

    const result = await sendWebhook(webhook(`http://127.0.0.1:${port}/`), loopbackPolicy());

    expect(result.statusCode).toBe(0);
    expect(result.errorKind).toBe('network');
    expect(result.error).toBe(`Invalid HTTP response from 127.0.0.1:${port}: ${reason}`);
  });

  test.each([
    ['Content-Length before Transfer-Encoding', 'content-length: 5\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'],
    ['two Content-Length headers', 'content-length: 5\r\ncontent-length: 5\r\n\r\nhello'],
    ['an invalid Content-Length value', 'content-length: 5x\r\n\r\nhello'],
  ])('response with %s is invalid', async (_case, rest) => {
    const port = await serveTcp((socket) => {
      socket.once('data', () => socket.end(`HTTP/1.1 200 OK\r\n${rest}`));
    });

    const result = await sendWebhook(webhook(`http://127.0.0.1:${port}/`), loopbackPolicy());

    expect(result.statusCode).toBe(0);
    expect(result.errorKind).toBe('network');
    expect(result.error).toBe(
      `Invalid HTTP response from 127.0.0.1:${port}: an invalid Content-Length value, ` +
        'or a header after Content-Length that could not be parsed, ' +
        'such as Transfer-Encoding alongside Content-Length or a second Content-Length',
    );
    expect(result.responseBodyIncomplete).toBe(false);
  });

  test('garbage HTTP response is a network error', async () => {
    const port = await serveTcp((socket) => {
      socket.once('data', () => socket.end('garbage\r\n\r\n'));
    });

    const result = await sendWebhook(webhook(`http://127.0.0.1:${port}/`), loopbackPolicy());

    expect(result.statusCode).toBe(0);
    expect(result.errorKind).toBe('network');
    expect(result.error).toContain(`Invalid HTTP response from 127.0.0.1:${port}`);
  });
});

describe('sendWebhook TLS', () => {
  test('non-TLS listener fails the handshake', async () => {
    const port = await serveTcp((socket) => {
      socket.once('data', () => socket.end('not tls\r\n\r\n'));
    });

    const result = await sendWebhook(webhook(`https://hooks.example.test:${port}/`), loopbackPolicy());

    expect(result.statusCode).toBe(0);
    expect(result.errorKind).toBe('tls');
    expect(result.error).toMatch(new RegExp(`^TLS handshake failed with 127\\.0\\.0\\.1:${port}: `));
  });

  test('silent listener times out in the handshake', async () => {
    let closed = false;
    const port = await serveTcp((socket) => {
      // Reading the ClientHello lets the listener see the client's FIN.
      socket.resume();
      socket.on('close', () => (closed = true));
    });

    const result = await sendWebhook(webhook(`https://hooks.example.test:${port}/`, { timeoutMs: 300 }), loopbackPolicy());

    expect(result.statusCode).toBe(0);
    expect(result.errorKind).toBe('timeout');
    expect(result.error).toBe(`Timed out after 300 ms during the TLS handshake with 127.0.0.1:${port}`);
    expect(result.durationMs).toBeLessThan(1000);
    await waitFor(() => closed, 'the client to close the socket');
  });

  const certificate = selfSignedCertificate('hooks.example.test');
  (certificate ? test : test.skip)('self-signed certificate is rejected; SNI is the host name', async () => {
    const { server, port, serverNames, requests } = await startTlsListener(certificate!);
    servers.push(server);

    const result = await sendWebhook(webhook(`https://hooks.example.test:${port}/`), loopbackPolicy());

    expect(result.statusCode).toBe(0);
    expect(result.errorKind).toBe('tls');
    expect(result.error).toContain('self-signed certificate');
    expect(serverNames).toEqual(['hooks.example.test']);
    expect(requests()).toBe(0);
  });

  (certificate ? test : test.skip)('self-signed certificate error names the fix', async () => {
    const { server, port } = await startTlsListener(certificate!);
    servers.push(server);

    const result = await sendWebhook(webhook(`https://hooks.example.test:${port}/`), loopbackPolicy());

    expect(result.errorKind).toBe('tls');
    expect(result.error).toContain(
      'self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT). ' +
        "docpush trusts only Node.js's CA certificates, so give the listener a certificate from a public CA, " +
        "or, for a development listener, start docpush with NODE_EXTRA_CA_CERTS set to the listener's certificate or CA file",
    );
  });
});

describe('sendWebhook DNS pinning', () => {
  /** Returns the next address of `answers` on each call, then repeats the last one. */
  function rebindingResolver(answers: string[]): Resolver & { calls: number } {
    const resolve = Object.assign(
      async () => {
        const address = answers[Math.min(resolve.calls, answers.length - 1)];
        resolve.calls += 1;
        return [{ address, family: 4 as const }];
      },
      { calls: 0 },
    );
    return resolve;
  }

  test('each attempt connects to the address it vetted', async () => {
    const hosts: Record<string, string[]> = { '127.0.0.1': [], '127.0.0.2': [] };
    const record = (name: string): http.RequestListener => (req, res) => {
      hosts[name].push(req.headers.host ?? '');
      res.end(name);
    };
    const port = await serve(record('127.0.0.1'));
    await serve(record('127.0.0.2'), '127.0.0.2', port);
    const resolve = rebindingResolver(['127.0.0.1', '127.0.0.2']);
    // The host name exists nowhere but in the stub, so a second lookup by the HTTP client would fail.
    const url = `http://rebind.example.test:${port}/hook`;

    const first = await sendWebhook(webhook(url), loopbackPolicy(resolve));

    expect(resolve.calls).toBe(1);
    expect(first.statusCode).toBe(200);
    expect(first.responseBody).toBe('127.0.0.1');
    expect(first.remoteAddress).toBe('127.0.0.1');
    expect(hosts['127.0.0.1']).toEqual([`rebind.example.test:${port}`]);

    const second = await sendWebhook(webhook(url), loopbackPolicy(resolve));

    expect(resolve.calls).toBe(2);
    expect(second.responseBody).toBe('127.0.0.2');
    expect(second.remoteAddress).toBe('127.0.0.2');
    expect(hosts['127.0.0.2']).toEqual([`rebind.example.test:${port}`]);
  });

  test('rebinding to a forbidden address is rejected before connecting', async () => {
    const port = await serve((_req, res) => res.end('ok'));
    const resolve = rebindingResolver(['127.0.0.1', '127.0.0.3']);
    const policy: TargetPolicy = { allowHttp: true, allowList: parseAllowList(['127.0.0.1/32']), resolve };
    const url = `http://rebind.example.test:${port}/hook`;

    const first = await sendWebhook(webhook(url), policy);
    expect(first.statusCode).toBe(200);

    const attempts = watchConnectionAttempts();
    try {
      const second = await sendWebhook(webhook(url), policy);

      expect(second.errorKind).toBe('rejected_target');
      expect(second.error).toContain('127.0.0.3');
      expect(attempts.count()).toBe(0);
    } finally {
      attempts.stop();
    }
    expect(resolve.calls).toBe(2);
  });

  test('resolver stub is the only lookup', async () => {
    const port = await serve((_req, res) => res.end('ok'));
    const resolve = fixedResolver('127.0.0.1');

    const result = await sendWebhook(webhook(`http://only-in-stub.example.test:${port}/`), loopbackPolicy(resolve));

    expect(result.statusCode).toBe(200);
    expect(resolve.calls).toEqual(['only-in-stub.example.test']);
  });
});
