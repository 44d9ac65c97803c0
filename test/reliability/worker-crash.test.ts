import { dataOf, startTestApp, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { ABANDONED_NOTE } from '../../src/delivery/steps/claim-batch.step';
import { DeletePushConnectionDocument, DeliveryLogDocument, ResendPushMessageDocument } from '../generated/graphql';
import { collectSubscription, createEnabledConnection, deleteAllConnections, fetchLogsOfMessage, fetchMessage, waitForMessageState, WAIT_TIMEOUT_MS } from './reliability-support';
import { newSecretKey, startDocpushProcess, type DocpushProcess } from './docpush-process';

// Each test waits for deliveries and child processes with deadlines of its own; this bounds the whole test.
jest.setTimeout(180_000);

const LOCK_LIFETIME_MS = 3000;

let app: TestApp;
let seeded: SeededWorkspace;
let listener: TestListener;
const secretKey = newSecretKey();
const workers: DocpushProcess[] = [];

function workerEnv(): Record<string, string> {
  return {
    DATABASE_URL: app.databaseUrl,
    DOCPUSH_SECRET_KEY: secretKey,
    DOCPUSH_ROLE: 'worker',
    DOCPUSH_ALLOW_HTTP: 'true',
    DOCPUSH_ALLOWED_CIDRS: '127.0.0.0/8',
    DOCPUSH_ATTEMPT_TIMEOUT: '2s',
    DOCPUSH_JOB_LOCK_LIFETIME: `${LOCK_LIFETIME_MS}ms`,
    DOCPUSH_JOB_POLL_INTERVAL: '500ms',
    DOCPUSH_SWEEP_INTERVAL: '500ms',
    DOCPUSH_SWEEP_GRACE: '500ms',
  };
}

beforeAll(async () => {
  // This process serves the API only; the deliveries run in the child processes.
  app = await startTestApp({ DOCPUSH_ROLE: 'api', DOCPUSH_SECRET_KEY: secretKey });
  seeded = await seedWorkspace(app);
  listener = await startListener();
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.kill('SIGKILL')));
  await listener?.close();
  await app?.stop();
});

describe('worker crash', () => {
  it('redelivers with the same webhook-id after SIGKILL mid-request', async () => {
    // The first request is left without a response; every later one gets 200.
    listener.respondWith(() => {
      listener.respondWith((_next, ok) => {
        ok.writeHead(200);
        ok.end('ok');
      });
    });
    await createEnabledConnection(app, { url: listener.url });
    const record = await seedRecord(app, seeded);

    const first = await startDocpushProcess(workerEnv());
    workers.push(first);
    const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    const [messageId] = messageIds;
    await listener.waitForRequests(1, WAIT_TIMEOUT_MS);
    expect(await first.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

    const abandoned = await fetchMessage(app, messageId);
    expect(abandoned.state).toBe('DELIVERING');
    expect(abandoned.attempts).toBe(1);

    const second = await startDocpushProcess(workerEnv());
    workers.push(second);
    const [crashed, redelivered] = await listener.waitForRequests(2, WAIT_TIMEOUT_MS);
    expect(redelivered.headers['webhook-id']).toBe(messageId);
    expect(crashed.headers['webhook-id']).toBe(messageId);
    expect(redelivered.body).toBe(crashed.body);
    expect(redelivered.receivedAt - crashed.receivedAt).toBeGreaterThanOrEqual(LOCK_LIFETIME_MS);

    const delivered = await waitForMessageState(app, messageId, 'SUCCEEDED');
    expect(delivered.attempts).toBe(2);
    const logs = await fetchLogsOfMessage(app, messageId);
    // The first attempt's outcome is unknown, so it is logged as failed without a response.
    expect(logs.map((log) => [log.attempt, log.responseCode, log.outcome])).toEqual([
      [1, 0, 'FAILED'],
      [2, 200, 'SUCCEEDED'],
    ]);
    expect(logs[0].responseError).toBe(ABANDONED_NOTE);

    // A later event's delivery passes through the same claims, so a duplicate attempt of the
    // first message would have reached the listener before it.
    const later = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    await waitForMessageState(app, later.messageIds[0], 'SUCCEEDED');
    expect(listener.requests.filter((request) => request.headers['webhook-id'] === messageId)).toHaveLength(2);

    expect(await second.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('logs the cut-off attempt of a deleted connection', async () => {
    // Every request is left without a response, and only this test's connection gets the event.
    listener.respondWith(() => undefined);
    await deleteAllConnections(app);
    const connection = await createEnabledConnection(app, { url: listener.url });
    const record = await seedRecord(app, seeded);
    const feed = app.app.services.deliveryLogFeed;
    const subscribersBefore = feed.subscriberCount;
    const stream = collectSubscription(app.wsClient(), DeliveryLogDocument, { connectionId: connection.id });
    await waitFor(() => feed.subscriberCount > subscribersBefore, { description: 'the deliveryLog subscriber' });

    const first = await startDocpushProcess(workerEnv());
    workers.push(first);
    const requestsBefore = listener.requests.length;
    const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    const [messageId] = messageIds;
    await listener.waitForRequests(requestsBefore + 1, WAIT_TIMEOUT_MS);
    await first.kill('SIGKILL');
    dataOf(await app.request(DeletePushConnectionDocument, { id: connection.id }));

    // The next worker's sweeper cancels the message once its claim is stale.
    const second = await startDocpushProcess(workerEnv());
    workers.push(second);
    const cancelled = await waitForMessageState(app, messageId, 'CANCELLED');
    expect(cancelled.attempts).toBe(1);
    const logs = await fetchLogsOfMessage(app, messageId);
    expect(logs.map((log) => [log.attempt, log.responseCode, log.outcome, log.responseError])).toEqual([[1, 0, 'FAILED', ABANDONED_NOTE]]);
    const streamed = await stream.waitForCount(1);
    expect(streamed[0].deliveryLog.messageId).toBe(messageId);
    stream.unsubscribe();

    expect(await second.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('ends a rerun resend job that claimed before', async () => {
    listener.respondWith((_request, ok) => {
      ok.writeHead(200);
      ok.end('ok');
    });
    await deleteAllConnections(app);
    await createEnabledConnection(app, { url: listener.url });
    const record = await seedRecord(app, seeded);
    const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    const [messageId] = messageIds;
    const em = () => app.app.services.orm.em.fork();
    await em().execute(`update push_messages set state = 'SUCCEEDED', attempts = 1, next_attempt_at = null where id = ?`, [messageId]);

    // This process serves the API only, so the resend job waits in the job table.
    dataOf(await app.request(ResendPushMessageDocument, { id: messageId }));
    const [job]: Array<{ id: string }> = await em().execute(`select id::text as id from agenda_jobs where data->>'messageId' = ?`, [messageId]);
    // What a crash leaves: the job claimed attempt 2 and stayed locked, and another worker took
    // attempt 2 over as abandoned and delivered the message as attempt 3.
    await em().execute(`update agenda_jobs set locked_at = now() - interval '1 hour', last_run_at = now() - interval '1 hour' where id = ?::uuid`, [job.id]);
    await em().execute(`update push_messages set state = 'SUCCEEDED', attempts = 3, resend_job_id = ? where id = ?`, [job.id, messageId]);

    const worker = await startDocpushProcess(workerEnv());
    workers.push(worker);
    await waitFor(
      async () => {
        const rows: unknown[] = await em().execute(`select 1 from agenda_jobs where id = ?::uuid`, [job.id]);
        return rows.length === 0;
      },
      { timeoutMs: WAIT_TIMEOUT_MS, description: 'the worker to run the resend job again' },
    );

    expect(listener.requests.filter((request) => request.headers['webhook-id'] === messageId)).toHaveLength(0);
    expect((await fetchMessage(app, messageId)).attempts).toBe(3);
    expect(await worker.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
