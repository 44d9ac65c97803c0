import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from './wait';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  /** Header names and values in the order received. Unlike `headers`, it keeps a header named `__proto__`. */
  rawHeaders: string[];
  body: string;
  receivedAt: number;
}

export type ListenerResponder = (request: ReceivedRequest, response: http.ServerResponse) => void;

export interface TestListener {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  /** Waits until at least `count` requests arrived and returns them. */
  waitForRequests(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  respondWith(responder: ListenerResponder): void;
  close(): Promise<void>;
}

const answerOk: ListenerResponder = (_request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain' });
  response.end('ok');
};

/** Starts a webhook listener on 127.0.0.1 with a free port; it records every request it receives. */
export async function startListener(responder: ListenerResponder = answerOk): Promise<TestListener> {
  const requests: ReceivedRequest[] = [];
  let respond = responder;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      };
      requests.push(request);
      respond(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/webhook`,
    port,
    requests,
    waitForRequests: async (count, timeoutMs = 10_000) => {
      await waitFor(() => requests.length >= count, { timeoutMs, description: `${count} request(s) at the listener` });
      return requests.slice(0, count);
    },
    respondWith: (next) => {
      respond = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
