import net, { type AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from '../support/test-app';
import { startListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { DeliveryLogDocument } from '../generated/graphql';
import {
  collectSubscription,
  createEnabledConnection,
  deleteAllConnections,
  fetchLogsOfMessage,
  fetchMessage,
  startHoldingListener,
  waitForMessageState,
  WAIT_TIMEOUT_MS,
} from './reliability-support';

// Each test waits for deliveries with deadlines of its own; this bounds the whole test.
jest.setTimeout(90_000);

const ATTEMPT_TIMEOUT_MS = 3000;
const CONNECTION_CONCURRENCY = 2;

let app: TestApp;
let seeded: SeededWorkspace;

beforeAll(async () => {
  app = await startTestApp({
    DOCPUSH_ATTEMPT_TIMEOUT: `${ATTEMPT_TIMEOUT_MS}ms`,
    DOCPUSH_CONNECTION_CONCURRENCY: String(CONNECTION_CONCURRENCY),
    DOCPUSH_CONNECTION_BUSY_DELAY: '150ms',
    // Fewer worker slots than hanging messages: without the per-connection limit the hanging
    // listener would take every slot.
    DOCPUSH_JOB_CONCURRENCY: '3',
    DOCPUSH_RETRY_SCHEDULE: '10s',
  });
  seeded = await seedWorkspace(app);
});

afterEach(async () => {
  await deleteAllConnections(app);
});

afterAll(async () => {
  await app?.stop();
});

interface RawListener {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Starts a TCP listener on 127.0.0.1 that calls `respond` with the socket once the first request bytes arrive. */
async function startRawListener(respond: (socket: net.Socket) => void): Promise<RawListener> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', () => respond(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}/webhook`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function pushEvents(type: DocumentRecordEventType, count: number): Promise<string[]> {
  const record = await seedRecord(app, seeded);
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) ids.push(...(await recordEvent(app, record, type, seeded.author)).messageIds);
  return ids;
}

describe('hostile listeners', () => {
  it('ends an attempt without response headers at the time-out', async () => {
    const silent = await startHoldingListener();
    try {
      await createEnabledConnection(app, { url: silent.url });
      const [messageId] = await pushEvents(DocumentRecordEventType.DocumentRecordUpdated, 1);

      const message = await waitForMessageState(app, messageId, 'RETRY_SCHEDULED');
      expect(message.attempts).toBe(1);
      expect(message.lastResponseCode).toBe(0);
      const [log] = await fetchLogsOfMessage(app, messageId);
      expect(log.responseCode).toBe(0);
      expect(log.outcome).toBe('FAILED');
      expect(log.responseError).toMatch(/timed out/i);
      expect(log.durationMs).toBeGreaterThanOrEqual(ATTEMPT_TIMEOUT_MS - 50);
      expect(log.durationMs).toBeLessThan(ATTEMPT_TIMEOUT_MS + 1000);
    } finally {
      await silent.close();
    }
  });

  it('marks a 2xx body cut short as incomplete', async () => {
    // Response headers with status 200, then part of the announced body and a reset.
    const listener = await startRawListener((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial', () => socket.resetAndDestroy());
    });
    try {
      const connection = await createEnabledConnection(app, { url: listener.url });
      const stream = collectSubscription(app.wsClient(), DeliveryLogDocument, { connectionId: connection.id });
      await waitFor(() => app.app.services.deliveryLogFeed.subscriberCount > 0, { description: 'the deliveryLog subscriber' });
      const [messageId] = await pushEvents(DocumentRecordEventType.DocumentRecordUpdated, 1);

      const message = await waitForMessageState(app, messageId, 'SUCCEEDED');
      expect(message.attempts).toBe(1);
      expect(message.lastResponseCode).toBe(200);
      expect(message.lastError).toBeNull();
      const [log] = await fetchLogsOfMessage(app, messageId);
      expect(log.responseCode).toBe(200);
      expect(log.outcome).toBe('SUCCEEDED');
      expect(log.responseError).toBe('');
      expect(log.responseBody).toBe('partial');
      expect(log.responseBodyIncomplete).toBe(true);
      expect(log.responseBodyTruncated).toBe(false);

      const [streamed] = await stream.waitForCount(1);
      expect(streamed.deliveryLog.id).toBe(log.id);
      expect(streamed.deliveryLog.responseBodyIncomplete).toBe(true);
      stream.unsubscribe();
    } finally {
      await listener.close();
    }
  });

  it('marks a 2xx body unfinished at the time-out as incomplete', async () => {
    // Response headers with status 200 and part of the announced body, then nothing until the attempt times out.
    const listener = await startRawListener((socket) => socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial'));
    try {
      await createEnabledConnection(app, { url: listener.url });
      const [messageId] = await pushEvents(DocumentRecordEventType.DocumentRecordUpdated, 1);

      const message = await waitForMessageState(app, messageId, 'SUCCEEDED');
      expect(message.attempts).toBe(1);
      const [log] = await fetchLogsOfMessage(app, messageId);
      expect(log.outcome).toBe('SUCCEEDED');
      expect(log.responseError).toBe('');
      expect(log.responseBody).toBe('partial');
      expect(log.responseBodyIncomplete).toBe(true);
    } finally {
      await listener.close();
    }
  });

  it('marks a 5xx body cut short as incomplete', async () => {
    const listener = await startRawListener((socket) => {
      socket.write('HTTP/1.1 503 Service Unavailable\r\ncontent-length: 100\r\n\r\npartial', () => socket.resetAndDestroy());
    });
    try {
      await createEnabledConnection(app, { url: listener.url });
      const [messageId] = await pushEvents(DocumentRecordEventType.DocumentRecordUpdated, 1);

      await waitForMessageState(app, messageId, 'RETRY_SCHEDULED');
      const [log] = await fetchLogsOfMessage(app, messageId);
      expect(log.responseCode).toBe(503);
      expect(log.outcome).toBe('FAILED');
      expect(log.responseError).toBe(`Connection closed by 127.0.0.1:${listener.port} before the response was complete`);
      expect(log.responseBody).toBe('partial');
      expect(log.responseBodyIncomplete).toBe(true);
    } finally {
      await listener.close();
    }
  });

  it('names Content-Length with Transfer-Encoding an invalid response', async () => {
    const listener = await startRawListener((socket) => {
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
    });
    try {
      await createEnabledConnection(app, { url: listener.url });
      const [messageId] = await pushEvents(DocumentRecordEventType.DocumentRecordUpdated, 1);

      await waitForMessageState(app, messageId, 'RETRY_SCHEDULED');
      const [log] = await fetchLogsOfMessage(app, messageId);
      expect(log.responseCode).toBe(0);
      expect(log.outcome).toBe('FAILED');
      expect(log.responseError).toBe(
        `Invalid HTTP response from 127.0.0.1:${listener.port}: an invalid Content-Length value, ` +
          'or a header after Content-Length that could not be parsed, ' +
          'such as Transfer-Encoding alongside Content-Length or a second Content-Length',
      );
      expect(log.responseBodyIncomplete).toBe(false);
    } finally {
      await listener.close();
    }
  });

  it('names a status code below 100', async () => {
    const server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => socket.end('HTTP/1.1 099 Odd\r\ncontent-length: 0\r\n\r\n'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await createEnabledConnection(app, { url: `http://127.0.0.1:${port}/webhook` });
      const [messageId] = await pushEvents(DocumentRecordEventType.DocumentRecordUpdated, 1);

      await waitForMessageState(app, messageId, 'RETRY_SCHEDULED');
      const [log] = await fetchLogsOfMessage(app, messageId);
      expect(log.responseCode).toBe(0);
      expect(log.responseError).toBe(`Invalid HTTP response from 127.0.0.1:${port}: its status line or headers could not be read`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('keeps a hanging listener from blocking other connections', async () => {
    const hanging = await startHoldingListener();
    const healthy = await startListener();
    try {
      await createEnabledConnection(app, { url: hanging.url, eventTypes: ['DocumentRecordUpdated'] });
      await createEnabledConnection(app, { url: healthy.url, eventTypes: ['DocumentRecordLocked'] });

      const hangingIds = await pushEvents(DocumentRecordEventType.DocumentRecordUpdated, 4);
      await waitFor(() => hanging.openCount() >= CONNECTION_CONCURRENCY, { timeoutMs: WAIT_TIMEOUT_MS, description: 'the hanging listener to hold its first requests' });
      const [healthyId] = await pushEvents(DocumentRecordEventType.DocumentRecordLocked, 1);

      // The other connection's message arrives while the hanging requests are still open.
      await healthy.waitForRequests(1, ATTEMPT_TIMEOUT_MS);
      expect(hanging.openCount()).toBe(CONNECTION_CONCURRENCY);
      await waitForMessageState(app, healthyId, 'SUCCEEDED');

      // The waiting messages were not attempted: their attempt counts are still 0.
      const waiting = await Promise.all(hangingIds.map((id) => fetchMessage(app, id)));
      expect(waiting.filter((message) => message.attempts === 0)).toHaveLength(hangingIds.length - CONNECTION_CONCURRENCY);

      hanging.release(200);
      for (const id of hangingIds) {
        const message = await waitForMessageState(app, id, 'SUCCEEDED');
        expect(message.attempts).toBe(1);
      }
      expect(hanging.requests).toHaveLength(hangingIds.length);
      expect(hanging.maxOpen()).toBe(CONNECTION_CONCURRENCY);
    } finally {
      await hanging.close();
      await healthy.close();
    }
  });
});
