import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type ReceivedRequest } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { DeletePushConnectionDocument, PushConnectionDocument } from '../generated/graphql';
import {
  createEnabledConnection,
  createWatchedConnection,
  deleteAllConnections,
  endStatusSubscriptions,
  fetchLogsOfMessage,
  fetchMessage,
  startHoldingListener,
  waitForMessageState,
  WAIT_TIMEOUT_MS,
} from './reliability-support';

// Each test waits for deliveries with deadlines of its own; this bounds the whole test.
jest.setTimeout(90_000);

// Short steps keep the test fast; the last one is longer so that a capped Retry-After shows.
const SCHEDULE_MS = [150, 300, 1500];
const LATENESS_ALLOWED_MS = 2000;

let app: TestApp;
let seeded: SeededWorkspace;

beforeAll(async () => {
  app = await startTestApp({ DOCPUSH_RETRY_SCHEDULE: SCHEDULE_MS.map((step) => `${step}ms`).join(','), DOCPUSH_RETRY_JITTER: '0' });
  seeded = await seedWorkspace(app);
});

afterEach(async () => {
  await endStatusSubscriptions(app);
  await deleteAllConnections(app);
});

afterAll(async () => {
  await app?.stop();
});

async function pushOneEvent() {
  const record = await seedRecord(app, seeded);
  const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
  return messageIds;
}

function gapsBetween(requests: ReceivedRequest[]): number[] {
  return requests.slice(1).map((request, index) => request.receivedAt - requests[index].receivedAt);
}

describe('retry schedule', () => {
  it('retries on schedule, then fails the message', async () => {
    const listener = await startListener((_request, response) => {
      response.writeHead(500);
      response.end('down');
    });
    try {
      const connection = await createEnabledConnection(app, { url: listener.url });
      const [messageId] = await pushOneEvent();

      const message = await waitForMessageState(app, messageId, 'FAILED');
      expect(message.attempts).toBe(SCHEDULE_MS.length + 1);
      expect(message.nextAttemptAt).toBeNull();
      expect(message.lastResponseCode).toBe(500);
      expect(message.lastError).toBe('HTTP 500 Internal Server Error. Delivery failed after 4 attempts, and the retry schedule allows 3 retries.');
      expect(message.connectionId).toBe(connection.id);

      expect(listener.requests).toHaveLength(SCHEDULE_MS.length + 1);
      const gaps = gapsBetween(listener.requests);
      // A retry never comes early. The upper bound is loose because two test files share two CPU
      // cores here, but it still separates a configured step from the 5 s default first step.
      gaps.forEach((gap, index) => {
        expect(gap).toBeGreaterThanOrEqual(SCHEDULE_MS[index]);
        expect(gap).toBeLessThan(SCHEDULE_MS[index] + LATENESS_ALLOWED_MS);
      });

      const webhookIds = new Set(listener.requests.map((request) => request.headers['webhook-id']));
      expect([...webhookIds]).toEqual([messageId]);
      const logs = await fetchLogsOfMessage(app, messageId);
      expect(logs.map((log) => log.attempt)).toEqual([1, 2, 3, 4]);
      expect(logs.every((log) => log.outcome === 'FAILED' && log.responseCode === 500)).toBe(true);
    } finally {
      await listener.close();
    }
  });

  it.each([
    { status: 429, retryAfter: '1', minimumGapMs: 1000, maximumGapMs: 1000 + LATENESS_ALLOWED_MS },
    { status: 503, retryAfter: '3600', minimumGapMs: 1500, maximumGapMs: 1500 + LATENESS_ALLOWED_MS },
  ])('waits for Retry-After on $status, capped at the longest step', async ({ status, retryAfter, minimumGapMs, maximumGapMs }) => {
    const listener = await startListener();
    listener.respondWith((_request, response) => {
      response.writeHead(status, { 'retry-after': retryAfter });
      response.end('later');
      listener.respondWith((_next, ok) => {
        ok.writeHead(200);
        ok.end('ok');
      });
    });
    try {
      await createEnabledConnection(app, { url: listener.url });
      const [messageId] = await pushOneEvent();

      const message = await waitForMessageState(app, messageId, 'SUCCEEDED');
      expect(message.attempts).toBe(2);
      const [gap] = gapsBetween(listener.requests);
      expect(gap).toBeGreaterThanOrEqual(minimumGapMs);
      expect(gap).toBeLessThan(maximumGapMs);
    } finally {
      await listener.close();
    }
  });
});

describe('listener answers', () => {
  it('disables the connection at once on 410 Gone', async () => {
    const listener = await startListener((_request, response) => {
      response.writeHead(410);
      response.end('gone');
    });
    try {
      const { connection, status } = await createWatchedConnection(app, { url: listener.url });
      const [messageId] = await pushOneEvent();

      const message = await waitForMessageState(app, messageId, 'FAILED');
      expect(message.attempts).toBe(1);
      expect(message.lastResponseCode).toBe(410);
      expect(message.lastError).toMatch(/^HTTP 410 Gone\. The listener returned 410 Gone, which asks the sender to stop/);

      const [event] = await status.waitForCount(1);
      expect(event.pushConnectionStatus).toMatchObject({ connectionId: connection.id, change: 'DISABLED_BY_DOCPUSH', enabled: false });
      expect(event.pushConnectionStatus.disabledReason).toMatch(/410 Gone/);

      const stored = dataOf(await app.request(PushConnectionDocument, { id: connection.id })).pushConnection;
      expect(stored.enabled).toBe(false);
      expect(stored.disabledReason).toMatch(/410 Gone/);
      expect(stored.disabledAt).not.toBeNull();

      const later = await pushOneEvent();
      expect(later).toHaveLength(0);
      expect(listener.requests).toHaveLength(1);
      status.unsubscribe();
    } finally {
      await listener.close();
    }
  });

  it('fails a redirect without following it', async () => {
    const target = await startListener();
    const redirecting = await startListener((_request, response) => {
      response.writeHead(302, { location: target.url });
      response.end();
    });
    try {
      await createEnabledConnection(app, { url: redirecting.url });
      const [messageId] = await pushOneEvent();

      const message = await waitForMessageState(app, messageId, 'FAILED');
      expect(message.lastResponseCode).toBe(302);
      expect(message.lastError).toBe(
        `HTTP 302 Found: redirects are not followed (Location: ${target.url}). Delivery failed after 4 attempts, and the retry schedule allows 3 retries.`,
      );
      const [first] = await fetchLogsOfMessage(app, messageId);
      expect(first.outcome).toBe('FAILED');
      expect(first.responseCode).toBe(302);
      expect(first.responseHeaders.location).toBe(target.url);
      expect(first.responseError).toMatch(/redirects are not followed/);
      expect(redirecting.requests).toHaveLength(SCHEDULE_MS.length + 1);
      expect(target.requests).toHaveLength(0);
      expect((await fetchMessage(app, messageId)).attempts).toBe(SCHEDULE_MS.length + 1);
    } finally {
      await redirecting.close();
      await target.close();
    }
  });
});

describe('connection deleted during an attempt', () => {
  it('cancels the retry with a separate sentence', async () => {
    const listener = await startHoldingListener();
    try {
      const connection = await createEnabledConnection(app, { url: listener.url });
      const [messageId] = await pushOneEvent();
      await waitFor(() => listener.openCount() === 1, { timeoutMs: WAIT_TIMEOUT_MS, description: 'the attempt to reach the listener' });

      dataOf(await app.request(DeletePushConnectionDocument, { id: connection.id }));
      listener.release(500);

      const message = await waitForMessageState(app, messageId, 'CANCELLED');
      expect(message.attempts).toBe(1);
      expect(message.lastError).toBe('HTTP 500 Internal Server Error. Push connection was deleted, so no retry follows.');
    } finally {
      await listener.close();
    }
  });
});
