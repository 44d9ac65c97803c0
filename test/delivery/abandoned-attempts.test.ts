import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startAppOnDatabase, startTestApp, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import {
  collectSubscription,
  createEnabledConnection,
  deleteAllConnections,
  fetchLogsOfMessage,
  waitForMessageState,
} from '../reliability/reliability-support';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { newMessageId } from '../../src/common/ids';
import type { RunningApp } from '../../src/app/app';
import { ABANDONED_NOTE, RELEASED_AT_STOP_NOTE, claimAndLoadDueMessages, releaseClaims } from '../../src/delivery/steps/claim-batch.step';
import { claimMessage } from '../../src/delivery/steps/claim-message.step';
import { withAbandonedAttempt } from '../../src/delivery/steps/record-abandoned.step';
import type { PushMessage } from '../../src/delivery/push-message.entity';
import { DeliveryLogDocument } from '../generated/graphql';

const WAIT_TIMEOUT_MS = 20_000;

interface MessageRow {
  state: string;
  attempts: number;
  last_error: string | null;
}

// The API process owns the database and streams deliveryLog. Each test starts a worker beside it
// once the test's messages are in place, so that its first claim finds them as the test left them.
let api: TestApp;
let seeded: SeededWorkspace;
let pool: pg.Pool;
let listener: TestListener;
let worker: RunningApp | null = null;
const secretKey = randomBytes(32).toString('base64');

beforeAll(async () => {
  api = await startTestApp({ DOCPUSH_ROLE: 'api', DOCPUSH_SECRET_KEY: secretKey });
  seeded = await seedWorkspace(api);
  pool = new pg.Pool({ connectionString: api.databaseUrl, max: 2 });
  listener = await startListener();
});

afterEach(async () => {
  await worker?.stop();
  worker = null;
  await deleteAllConnections(api);
});

afterAll(async () => {
  await listener?.close();
  await pool?.end();
  await api?.stop();
});

async function startWorker(): Promise<RunningApp> {
  worker = await startAppOnDatabase(api.databaseUrl, { DOCPUSH_ROLE: 'worker', DOCPUSH_SECRET_KEY: secretKey });
  return worker;
}

/**
 * Creates a connection to the test listener and inserts one message of it in `state` with
 * `attempts` counted, last touched an hour ago, so a DELIVERING one is stale. Returns the ids.
 */
async function insertMessage(name: string, state: string, attempts: number): Promise<{ connectionId: number; eventId: number; messageId: string }> {
  const connection = await createEnabledConnection(api, { name, url: listener.url });
  const record = await seedRecord(api, seeded);
  // No connection selects DocumentRecordCreated, so this event only gives the inserted message an event to belong to.
  const { eventId } = await recordEvent(api, record, DocumentRecordEventType.DocumentRecordCreated, seeded.author);
  const messageId = newMessageId();
  await pool.query(
    `insert into push_messages (id, workspace_id, connection_id, event_id, state, attempts, next_attempt_at, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, now() - interval '1 hour', now() - interval '1 hour', now() - interval '1 hour')`,
    [messageId, seeded.workspaceId, Number(connection.id), eventId, state, attempts],
  );
  return { connectionId: Number(connection.id), eventId, messageId };
}

async function readMessage(id: string): Promise<MessageRow> {
  const result = await pool.query<MessageRow>(`select state, attempts, last_error from push_messages where id = $1`, [id]);
  return result.rows[0];
}

async function countLogRows(messageId: string): Promise<number> {
  const result = await pool.query<{ count: number }>(`select count(*)::int as count from push_logs where message_id = $1`, [messageId]);
  return result.rows[0].count;
}

/** Claims every due message with the real batch claim, as a worker would, and returns the claimed attempts. */
async function claimDueMessages(): Promise<Array<{ id: string; attempt: number }>> {
  const messages = await claimAndLoadDueMessages(api.app.services.orm.em.fork(), {
    limit: 10,
    connectionConcurrency: 10,
    staleAfterMs: 60_000,
    now: new Date(),
  });
  return messages.map((message) => ({ id: message.id, attempt: message.attempts }));
}

describe('abandoned attempt', () => {
  it('logs a stale takeover first', async () => {
    const { connectionId, messageId } = await insertMessage('Stale takeover', 'DELIVERING', 1);
    const client = api.wsClient();
    const subscribersBefore = api.app.services.deliveryLogFeed.subscriberCount;
    const stream = collectSubscription(client, DeliveryLogDocument, { connectionId: String(connectionId) });
    await waitFor(() => api.app.services.deliveryLogFeed.subscriberCount > subscribersBefore, { description: 'the deliveryLog subscriber' });

    const running = await startWorker();
    await waitForMessageState(api, messageId, 'SUCCEEDED', WAIT_TIMEOUT_MS);

    const metrics = await (await fetch(`${running.monitoringUrl}/metrics`)).text();
    expect(metrics).toMatch(/^docpush_delivery_attempts_abandoned_total 1$/m);
    expect(metrics).toMatch(/^docpush_deliveries_total\{outcome="failed",response_class="none"\} 1$/m);
    const logs = await fetchLogsOfMessage(api, messageId);
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatchObject({
      attempt: 1,
      responseCode: 0,
      outcome: 'FAILED',
      responseError: ABANDONED_NOTE,
      requestBody: '',
      responseBody: '',
      durationMs: 0,
      connectionName: 'Stale takeover',
    });
    expect(logs[1]).toMatchObject({ attempt: 2, responseCode: 200, outcome: 'SUCCEEDED' });
    expect(Number(logs[0].id)).toBeLessThan(Number(logs[1].id));
    expect(new Date(logs[0].createdAt).getTime()).toBeLessThanOrEqual(new Date(logs[1].createdAt).getTime());

    const streamed = await stream.waitForCount(2);
    expect(streamed.map((event) => [event.deliveryLog.attempt, event.deliveryLog.responseCode, event.deliveryLog.outcome])).toEqual([
      [1, 0, 'FAILED'],
      [2, 200, 'SUCCEEDED'],
    ]);
    expect(streamed[0].deliveryLog.responseError).toBe(ABANDONED_NOTE);
    stream.unsubscribe();
  });

  it('keeps the row an abandoned attempt wrote', async () => {
    const late = await insertMessage('Late write', 'DELIVERING', 1);
    const lost = await insertMessage('Lost write', 'DELIVERING', 1);
    // The row that a slow first attempt writes after its message was taken over.
    await pool.query(
      `insert into push_logs (workspace_id, connection_id, connection_name, event_id, event_type, message_id, attempt, request_url,
                              request_headers, request_body, response_code, response_headers, response_body, response_body_encoding,
                              response_body_truncated, response_error, duration_ms, outcome, is_test, created_at)
       values ($1, $2, 'Late write', $3, 'DocumentRecordCreated', $4, 1, $5, '{}', '{}', 200, '{}', 'ok', 'utf8', false, '', 5000, 'SUCCEEDED', false, now())`,
      [seeded.workspaceId, late.connectionId, late.eventId, late.messageId, listener.url],
    );

    await startWorker();
    await waitForMessageState(api, late.messageId, 'SUCCEEDED', WAIT_TIMEOUT_MS);
    await waitForMessageState(api, lost.messageId, 'SUCCEEDED', WAIT_TIMEOUT_MS);

    const lateLogs = await fetchLogsOfMessage(api, late.messageId);
    expect(lateLogs.map((log) => [log.attempt, log.responseCode, log.outcome])).toEqual([
      [1, 200, 'SUCCEEDED'],
      [2, 200, 'SUCCEEDED'],
    ]);
    expect(await countLogRows(late.messageId)).toBe(2);
    // The other message, taken over by the same worker, has no row for its first attempt, so it gets one.
    const lostLogs = await fetchLogsOfMessage(api, lost.messageId);
    expect(lostLogs.map((log) => [log.attempt, log.responseCode, log.outcome])).toEqual([
      [1, 0, 'FAILED'],
      [2, 200, 'SUCCEEDED'],
    ]);
  });

  it('leaves a stop release unmarked', async () => {
    const { messageId } = await insertMessage('Released', 'PENDING', 0);
    expect(await claimDueMessages()).toEqual([{ id: messageId, attempt: 1 }]);
    // A stopping worker hands back the started attempt 1 with its count kept. It writes that
    // attempt's own row itself, so the release marks nothing for the next claim to log.
    expect(await releaseClaims(api.app.services.orm.em.fork(), [{ id: messageId, attempt: 1 }], new Date())).toBe(1);
    expect(await readMessage(messageId)).toMatchObject({ state: 'RETRY_SCHEDULED', attempts: 1, last_error: RELEASED_AT_STOP_NOTE });

    await startWorker();
    await waitForMessageState(api, messageId, 'SUCCEEDED', WAIT_TIMEOUT_MS);

    const logs = await fetchLogsOfMessage(api, messageId);
    expect(logs.map((log) => [log.attempt, log.responseCode, log.outcome])).toEqual([[2, 200, 'SUCCEEDED']]);
  });

  it('logs a swept attempt once', async () => {
    const { messageId } = await insertMessage('Swept', 'RETRY_SCHEDULED', 1);
    // The sweeper marks a stale attempt that it makes due again with ABANDONED_NOTE. A claim that
    // is handed back before its attempt starts takes its count back and keeps the note.
    // Due a second ago: PostgreSQL's now() has microseconds, and the claim's time from Node.js only
    // milliseconds, so a message due at now() can still be in the claim's future.
    await pool.query(`update push_messages set last_error = $2, next_attempt_at = now() - interval '1 second' where id = $1`, [messageId, ABANDONED_NOTE]);
    expect(await claimDueMessages()).toEqual([{ id: messageId, attempt: 2 }]);
    expect(await releaseClaims(api.app.services.orm.em.fork(), [{ id: messageId, attempt: -1 }], new Date())).toBe(1);
    expect(await readMessage(messageId)).toMatchObject({ state: 'RETRY_SCHEDULED', attempts: 1, last_error: ABANDONED_NOTE });

    await startWorker();
    await waitForMessageState(api, messageId, 'SUCCEEDED', WAIT_TIMEOUT_MS);

    const logs = await fetchLogsOfMessage(api, messageId);
    expect(logs.map((log) => [log.attempt, log.responseCode, log.outcome, log.responseError])).toEqual([
      [1, 0, 'FAILED', ABANDONED_NOTE],
      [2, 200, 'SUCCEEDED', ''],
    ]);
  });

  it('logs no row for a never-started claim', async () => {
    const { messageId } = await insertMessage('Never started', 'PENDING', 0);
    expect(await claimDueMessages()).toEqual([{ id: messageId, attempt: 1 }]);
    expect(await releaseClaims(api.app.services.orm.em.fork(), [{ id: messageId, attempt: -1 }], new Date())).toBe(1);
    expect(await readMessage(messageId)).toMatchObject({ state: 'RETRY_SCHEDULED', attempts: 0, last_error: null });

    await startWorker();
    await waitForMessageState(api, messageId, 'SUCCEEDED', WAIT_TIMEOUT_MS);

    const logs = await fetchLogsOfMessage(api, messageId);
    expect(logs.map((log) => [log.attempt, log.responseCode, log.outcome])).toEqual([[1, 200, 'SUCCEEDED']]);
  });

  it('sends before a stalled log write', async () => {
    const { messageId } = await insertMessage('Stalled write', 'DELIVERING', 1);
    const requestsBefore = listener.requests.length;
    // With a 2 s lock lifetime, the abandoned-attempt write gives up after 500 ms, long before the new claim goes stale.
    const lock = new pg.Client({ connectionString: api.databaseUrl });
    await lock.connect();
    try {
      await lock.query('begin');
      await lock.query('lock table push_logs in share mode');
      worker = await startAppOnDatabase(api.databaseUrl, {
        DOCPUSH_ROLE: 'worker',
        DOCPUSH_SECRET_KEY: secretKey,
        DOCPUSH_ATTEMPT_TIMEOUT: '1s',
        DOCPUSH_JOB_LOCK_LIFETIME: '2s',
      });

      // The request goes out while the lock still holds every push log write back.
      await waitFor(() => listener.requests.length > requestsBefore, { timeoutMs: WAIT_TIMEOUT_MS, description: 'the attempt to reach the listener' });
      await lock.query('commit');
      await waitForMessageState(api, messageId, 'SUCCEEDED', WAIT_TIMEOUT_MS);
    } finally {
      await lock.end();
    }

    const logs = await fetchLogsOfMessage(api, messageId);
    expect(logs.map((log) => [log.attempt, log.responseCode, log.outcome])).toEqual([[2, 200, 'SUCCEEDED']]);
    expect(listener.requests.length - requestsBefore).toBe(1);
  });

  it('notes a single-claim takeover', async () => {
    const { messageId } = await insertMessage('Resend takeover', 'DELIVERING', 1);

    const claim = await claimMessage(api.app.services.orm.em.fork(), messageId, {
      force: true,
      staleAfterMs: 60_000,
      connectionConcurrency: 10,
      now: new Date(),
    });

    expect(claim.kind).toBe('claimed');
    expect(await readMessage(messageId)).toMatchObject({ state: 'DELIVERING', attempts: 2, last_error: ABANDONED_NOTE });
    const claimed = (claim as { message: PushMessage }).message;
    expect(withAbandonedAttempt([claimed]).map((message) => message.id)).toEqual([messageId]);
  });
});
