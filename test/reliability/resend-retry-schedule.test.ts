import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type ListenerResponder, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { ResendPushMessageDocument } from '../generated/graphql';
import { createEnabledConnection, deleteAllConnections, fetchLogsOfMessage, fetchMessage, waitForMessageState, WAIT_TIMEOUT_MS } from './reliability-support';

// Each test waits for deliveries with deadlines of its own; this bounds the whole test.
jest.setTimeout(90_000);

const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;

// A quick first retry, then steps far apart, so that a retry time shows which step it took
// whatever the ±20% jitter drew, and no later retry runs during a test.
const JITTER = 0.2;
const SCHEDULE_MS = [100, HOUR_MS, 10 * HOUR_MS];

let app: TestApp;
let seeded: SeededWorkspace;
let listener: TestListener;

beforeAll(async () => {
  app = await startTestApp({ DOCPUSH_RETRY_SCHEDULE: '100ms,1h,10h', DOCPUSH_RETRY_JITTER: String(JITTER) });
  seeded = await seedWorkspace(app);
  listener = await startListener();
});

afterEach(async () => {
  await deleteAllConnections(app);
});

afterAll(async () => {
  await listener?.close();
  await app?.stop();
});

function answerWith(status: number, headers: Record<string, string> = {}): ListenerResponder {
  return (_request, response) => {
    response.writeHead(status, headers);
    response.end(`status ${status}`);
  };
}

async function pushOneEvent(): Promise<string> {
  await createEnabledConnection(app, { url: listener.url });
  const record = await seedRecord(app, seeded);
  const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
  expect(messageIds).toHaveLength(1);
  return messageIds[0];
}

/** Waits until attempt `attempts` of the message has been written, and returns the message and that attempt's log row. */
async function waitForAttempt(messageId: string, attempts: number) {
  let message = await fetchMessage(app, messageId);
  await waitFor(
    async () => {
      message = await fetchMessage(app, messageId);
      return message.attempts >= attempts && message.state !== 'DELIVERING';
    },
    { timeoutMs: WAIT_TIMEOUT_MS, intervalMs: 50, description: `attempt ${attempts} of message ${messageId} to be written` },
  );
  expect(message.attempts).toBe(attempts);
  const log = (await fetchLogsOfMessage(app, messageId)).find((row) => row.attempt === attempts);
  expect(log).toBeDefined();
  return { message, log: log! };
}

async function resend(messageId: string, attempts: number) {
  dataOf(await app.request(ResendPushMessageDocument, { id: messageId }));
  return waitForAttempt(messageId, attempts);
}

/** Milliseconds from the attempt's push log time to the message's next attempt. */
function retryDelayOf(attempt: Awaited<ReturnType<typeof waitForAttempt>>): number {
  expect(attempt.message.nextAttemptAt).not.toBeNull();
  return new Date(attempt.message.nextAttemptAt as string).getTime() - new Date(attempt.log.createdAt).getTime();
}

/** Expects the delay to lie within the jitter of schedule step `step` (from 1). */
function expectStep(delayMs: number, step: number): void {
  expect(delayMs).toBeGreaterThanOrEqual(SCHEDULE_MS[step - 1] * (1 - JITTER));
  expect(delayMs).toBeLessThanOrEqual(SCHEDULE_MS[step - 1] * (1 + JITTER));
}

describe('failed resend', () => {
  it('moves a waiting message to its next step', async () => {
    listener.respondWith(answerWith(500));
    const messageId = await pushOneEvent();
    const second = await waitForAttempt(messageId, 2);
    expect(second.message.state).toBe('RETRY_SCHEDULED');
    expectStep(retryDelayOf(second), 2);

    const third = await resend(messageId, 3);
    expect(third.message.state).toBe('RETRY_SCHEDULED');
    expectStep(retryDelayOf(third), 3);
  });

  it('leaves a message with a used-up schedule failed', async () => {
    listener.respondWith(answerWith(500));
    const messageId = await pushOneEvent();
    await waitForAttempt(messageId, 2);
    await resend(messageId, 3);

    const fourth = await resend(messageId, 4);
    expect(fourth.message).toMatchObject({ state: 'FAILED', nextAttemptAt: null });
    expect(fourth.message.lastError).toContain('Delivery failed after 4 attempts, and the retry schedule allows 3 retries.');

    const fifth = await resend(messageId, 5);
    expect(fifth.message).toMatchObject({ state: 'FAILED', nextAttemptAt: null });
  });

  it('schedules a retry of a delivered message', async () => {
    listener.respondWith(answerWith(200));
    const messageId = await pushOneEvent();
    expect((await waitForMessageState(app, messageId, 'SUCCEEDED')).attempts).toBe(1);

    listener.respondWith(answerWith(500));
    const second = await resend(messageId, 2);
    expect(second.message.state).toBe('RETRY_SCHEDULED');
    // The attempt count picks the step: this is the second attempt, so the 1 h step follows.
    expectStep(retryDelayOf(second), 2);
  });
});

describe('Retry-After', () => {
  it('sets the delay without jitter', async () => {
    listener.respondWith(answerWith(503, { 'retry-after': '3600' }));
    const messageId = await pushOneEvent();

    const first = await waitForAttempt(messageId, 1);
    expect(first.message.state).toBe('RETRY_SCHEDULED');
    expect(retryDelayOf(first)).toBe(3600 * 1000);
  });
});
