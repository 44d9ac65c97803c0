import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { dataOf, startAppOnDatabase, startTestApp, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { collectSubscription, createEnabledConnection, fetchLogsOfMessage, waitForMessageState, WAIT_TIMEOUT_MS } from './reliability-support';
import { DocumentRecordEventType } from '../../src/records/event-type';
import type { RunningApp } from '../../src/app/app';
import { ABANDONED_NOTE, claimAndLoadDueMessages } from '../../src/delivery/steps/claim-batch.step';
import type { PushMessage } from '../../src/delivery/push-message.entity';
import { DeliveryLogDocument, DisablePushConnectionDocument, EnablePushConnectionDocument } from '../generated/graphql';
import { parsePrometheusText, sampleValue } from '../observability/prometheus-text';

jest.setTimeout(60_000);

// The API process owns the database and streams deliveryLog, and runs no dispatcher or sweeper.
// The worker starts once the test has left a cut-off attempt, so its first sweeps find it.
let api: TestApp;
let seeded: SeededWorkspace;
let pool: pg.Pool;
let listener: TestListener;
let worker: RunningApp | null = null;
const secretKey = randomBytes(32).toString('base64');

/** Claims go stale after 2 s, and the sweeper runs every 200 ms. */
const WORKER_SETTINGS = { DOCPUSH_ATTEMPT_TIMEOUT: '1s', DOCPUSH_JOB_LOCK_LIFETIME: '2s', DOCPUSH_SWEEP_INTERVAL: '200ms' };

beforeAll(async () => {
  api = await startTestApp({ DOCPUSH_ROLE: 'api', DOCPUSH_SECRET_KEY: secretKey });
  seeded = await seedWorkspace(api);
  pool = new pg.Pool({ connectionString: api.databaseUrl, max: 2 });
  listener = await startListener();
});

afterAll(async () => {
  await worker?.stop();
  await listener?.close();
  await pool?.end();
  await api?.stop();
});

interface MessageRow {
  state: string;
  attempts: number;
  last_error: string | null;
}

async function readMessage(id: string): Promise<MessageRow> {
  const result = await pool.query<MessageRow>(`select state, attempts, last_error from push_messages where id = $1`, [id]);
  return result.rows[0];
}

/**
 * Claims the due messages with the real batch claim, as a worker does, until one is claimed, and
 * returns it. The message's due time has microseconds, so a claim in the same millisecond can miss it.
 */
async function claimAsWorker(): Promise<PushMessage> {
  let claimed: PushMessage[] = [];
  await waitFor(
    async () => {
      claimed = await claimAndLoadDueMessages(api.app.services.orm.em.fork(), { limit: 10, connectionConcurrency: 10, staleAfterMs: 60_000, now: new Date() });
      return claimed.length > 0;
    },
    { description: 'a claim of the new message' },
  );
  expect(claimed).toHaveLength(1);
  return claimed[0];
}

/** Reads the worker's count of abandoned attempts and of failed deliveries without a response. */
async function readAbandonedMetrics(running: RunningApp): Promise<{ abandoned: number; failedWithoutResponse: number }> {
  const samples = parsePrometheusText(await (await fetch(`${running.monitoringUrl}/metrics`)).text());
  return {
    abandoned: sampleValue(samples, 'docpush_delivery_attempts_abandoned_total'),
    failedWithoutResponse: sampleValue(samples, 'docpush_deliveries_total', { outcome: 'failed', response_class: 'none' }),
  };
}

function requestsFor(messageId: string) {
  return listener.requests.filter((request) => request.headers['webhook-id'] === messageId);
}

describe('cut-off attempt of a disabled connection', () => {
  it('is logged and resumed on enable', async () => {
    const connection = await createEnabledConnection(api, { url: listener.url });
    const record = await seedRecord(api, seeded);
    const [messageId] = (await recordEvent(api, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author)).messageIds;
    // A worker claims attempt 1 and crashes before its request ends.
    const claimed = await claimAsWorker();
    expect([claimed.id, claimed.attempts]).toEqual([messageId, 1]);
    const [waitingId] = (await recordEvent(api, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author)).messageIds;
    dataOf(await api.request(DisablePushConnectionDocument, { id: connection.id }));
    const subscribersBefore = api.app.services.deliveryLogFeed.subscriberCount;
    const stream = collectSubscription(api.wsClient(), DeliveryLogDocument, { connectionId: connection.id });
    await waitFor(() => api.app.services.deliveryLogFeed.subscriberCount > subscribersBefore, { description: 'the deliveryLog subscriber' });

    worker = await startAppOnDatabase(api.databaseUrl, { DOCPUSH_ROLE: 'worker', DOCPUSH_SECRET_KEY: secretKey, ...WORKER_SETTINGS });
    const swept = await waitForMessageState(api, messageId, 'RETRY_SCHEDULED', WAIT_TIMEOUT_MS);

    expect(swept.lastError).toBe(ABANDONED_NOTE);
    expect(await readMessage(messageId)).toEqual({ state: 'RETRY_SCHEDULED', attempts: 1, last_error: ABANDONED_NOTE });
    expect(await readMessage(waitingId)).toEqual({ state: 'PENDING', attempts: 0, last_error: null });
    const abandonedLogs = await fetchLogsOfMessage(api, messageId);
    expect(abandonedLogs.map((log) => [log.attempt, log.responseCode, log.outcome, log.responseError])).toEqual([[1, 0, 'FAILED', ABANDONED_NOTE]]);
    const [streamed] = await stream.waitForCount(1);
    expect([streamed.deliveryLog.messageId, streamed.deliveryLog.attempt, streamed.deliveryLog.responseCode]).toEqual([messageId, 1, 0]);
    expect(await readAbandonedMetrics(worker)).toEqual({ abandoned: 1, failedWithoutResponse: 1 });
    expect(requestsFor(messageId)).toHaveLength(0);

    dataOf(await api.request(EnablePushConnectionDocument, { id: connection.id }));
    const delivered = await waitForMessageState(api, messageId, 'SUCCEEDED', WAIT_TIMEOUT_MS);
    await waitForMessageState(api, waitingId, 'SUCCEEDED', WAIT_TIMEOUT_MS);

    expect(delivered.attempts).toBe(2);
    const logs = await fetchLogsOfMessage(api, messageId);
    expect(logs.map((log) => [log.attempt, log.responseCode, log.outcome])).toEqual([
      [1, 0, 'FAILED'],
      [2, 200, 'SUCCEEDED'],
    ]);
    expect(requestsFor(messageId)).toHaveLength(1);
    expect(requestsFor(waitingId)).toHaveLength(1);
    // The claim after the enabling finds attempt 1 logged, so it neither logs nor counts it again.
    expect(await readAbandonedMetrics(worker)).toEqual({ abandoned: 1, failedWithoutResponse: 1 });
    stream.unsubscribe();
  });
});
