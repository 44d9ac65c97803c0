import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** A request as the listener saw it, kept to replay it in the raw ceiling. */
export interface CapturedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** Names and sizes of the generated files of one received message. */
export interface ReceivedFiles {
  fileNames: string[];
  bytes: number;
}

export interface BenchListener {
  url: string;
  /** Arrival time (performance.now()) of the first request of each `webhook-id`. */
  firstArrival: Map<string, number>;
  /** Requests of a `webhook-id` that had arrived before (at-least-once redeliveries). */
  duplicates: number;
  /** The first request received on each path. */
  firstRequestByPath: Map<string, CapturedRequest>;
  /** Generated files of the first few messages received on `/attachments`. */
  attachmentSamples: ReceivedFiles[];
  close(): Promise<void>;
}

const ATTACHMENT_SAMPLES = 20;

/** Starts a webhook listener on 127.0.0.1 that responds 200 as soon as a request body has arrived. */
export async function startBenchListener(): Promise<BenchListener> {
  const firstArrival = new Map<string, number>();
  const firstRequestByPath = new Map<string, CapturedRequest>();
  const attachmentSamples: ReceivedFiles[] = [];
  const state = { duplicates: 0 };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const arrivedAt = performance.now();
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('ok');

      const messageId = String(request.headers['webhook-id'] ?? '');
      if (firstArrival.has(messageId)) state.duplicates += 1;
      else firstArrival.set(messageId, arrivedAt);

      const path = request.url ?? '/';
      if (!firstRequestByPath.has(path) || (path === '/attachments' && attachmentSamples.length < ATTACHMENT_SAMPLES)) {
        const body = Buffer.concat(chunks).toString('utf8');
        if (!firstRequestByPath.has(path)) firstRequestByPath.set(path, { path, headers: flattenHeaders(request.headers), body });
        if (path === '/attachments') attachmentSamples.push(readGeneratedFiles(body));
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    firstArrival,
    get duplicates() {
      return state.duplicates;
    },
    firstRequestByPath,
    attachmentSamples,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function readGeneratedFiles(body: string): ReceivedFiles {
  const payload = JSON.parse(body) as { files?: { generated?: Array<{ fileName: string; size: number }> } };
  const generated = payload.files?.generated ?? [];
  return { fileNames: generated.map((file) => file.fileName), bytes: generated.reduce((sum, file) => sum + file.size, 0) };
}
