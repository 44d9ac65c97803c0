import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, type SeededWorkspace } from '../support/fixtures';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { DocumentRecord } from '../../src/records/document-record.entity';
import { recordEventWithMessages } from '../../src/records/event-recorder.service';
import { cancelMessagesOfDeletedConnections, logAbandonedAttemptsOfDisabledConnections, takeUnqueuedMessages } from '../../src/jobs/sweeper.job';
import { sweep } from '../../src/jobs/maintenance';
import { DeletePushConnectionDocument, DeliveryLogDocument, DisablePushConnectionDocument, EnablePushConnectionDocument } from '../generated/graphql';
import { ABANDONED_NOTE } from '../../src/delivery/steps/claim-batch.step';
import { waitFor } from '../support/wait';
import { collectSubscription, createEnabledConnection, deleteAllConnections, fetchLogsOfMessage, waitForMessageState } from './reliability-support';
import { parsePrometheusText, sampleValue, type Sample } from '../observability/prometheus-text';

// Each test waits for deliveries with deadlines of its own; this bounds the whole test.
jest.setTimeout(90_000);

/** Records an event and its messages in one transaction, like the API, but queues no job. */
async function recordEventWithoutJob(app: TestApp, record: DocumentRecord): Promise<string[]> {
  const em = app.app.services.orm.em.fork();
  const { messageIds } = await em.transactional(async (tx) => {
    const managed = await tx.findOneOrFail(DocumentRecord, record.id, { populate: ['templateSuite', 'documentRecordType'] });
    return recordEventWithMessages(tx, { record: managed, type: DocumentRecordEventType.DocumentRecordUpdated, author: null });
  });
  return messageIds;
}

describe('sweeper in a worker', () => {
  let app: TestApp;
  let seeded: SeededWorkspace;
  let listener: TestListener;

  beforeAll(async () => {
    app = await startTestApp({
      DOCPUSH_SWEEP_INTERVAL: '200ms',
      DOCPUSH_SWEEP_GRACE: '100ms',
      DOCPUSH_JOB_POLL_INTERVAL: '300ms',
      DOCPUSH_ATTEMPT_TIMEOUT: '1s',
      DOCPUSH_JOB_LOCK_LIFETIME: '2s',
    });
    seeded = await seedWorkspace(app);
    listener = await startListener();
    await createEnabledConnection(app, { url: listener.url });
  });

  afterAll(async () => {
    await listener?.close();
    await app?.stop();
  });

  it('delivers a message that has no job', async () => {
    const [messageId] = await recordEventWithoutJob(app, await seedRecord(app, seeded));

    const message = await waitForMessageState(app, messageId, 'SUCCEEDED');
    expect(message.attempts).toBe(1);
    const received = listener.requests.filter((request) => request.headers['webhook-id'] === messageId);
    expect(received).toHaveLength(1);
  });

  it('takes over an attempt abandoned by a stopped worker', async () => {
    const [messageId] = await recordEventWithoutJob(app, await seedRecord(app, seeded));
    // What a worker killed mid-request leaves: the attempt counted, the message DELIVERING.
    const abandonedAt = new Date(Date.now() - 60_000);
    await app.app.services.orm.em
      .fork()
      .execute(`update push_messages set state = 'DELIVERING', attempts = 1, updated_at = ? where id = ?`, [abandonedAt, messageId]);

    const message = await waitForMessageState(app, messageId, 'SUCCEEDED');
    expect(message.attempts).toBe(2);
    expect(message.lastError).toBeNull();
    const logs = await fetchLogsOfMessage(app, messageId);
    // The abandoned attempt is logged without a response, because its outcome is unknown.
    expect(logs.map((log) => [log.attempt, log.responseCode, log.outcome])).toEqual([
      [1, 0, 'FAILED'],
      [2, 200, 'SUCCEEDED'],
    ]);
    expect(listener.requests.filter((request) => request.headers['webhook-id'] === messageId)).toHaveLength(1);
  });
});

describe('sweeper rule', () => {
  let app: TestApp;
  let seeded: SeededWorkspace;
  let listener: TestListener;

  // An API-only process runs no jobs, so only the calls below touch the messages.
  beforeAll(async () => {
    app = await startTestApp({ DOCPUSH_ROLE: 'api' });
    seeded = await seedWorkspace(app);
    listener = await startListener();
  });

  afterEach(async () => {
    await deleteAllConnections(app);
    // A message left DELIVERING would be stale for the next test's sweeps, which it would then count.
    await em().execute(`update push_messages set state = 'CANCELLED' where state = 'DELIVERING'`);
  });

  afterAll(async () => {
    await listener?.close();
    await app?.stop();
  });

  const em = () => app.app.services.orm.em.fork();
  const setMessage = (id: string, state: string, nextAttemptAt: Date | null, updatedAt: Date) =>
    em().execute(`update push_messages set state = ?::push_message_state, next_attempt_at = ?, updated_at = ? where id = ?`, [state, nextAttemptAt, updatedAt, id]);

  it('takes due and abandoned messages of enabled connections only', async () => {
    await createEnabledConnection(app, { url: listener.url });
    const record = await seedRecord(app, seeded);
    const [overdue, withinGrace, future, abandoned, inFlight, finished] = await Promise.all(
      Array.from({ length: 6 }, () => recordEventWithoutJob(app, record).then((ids) => ids[0])),
    );
    const now = new Date('2030-01-01T12:00:00Z');
    const ago = (ms: number) => new Date(now.getTime() - ms);
    await setMessage(overdue, 'RETRY_SCHEDULED', ago(120_000), ago(600_000));
    await setMessage(withinGrace, 'PENDING', ago(30_000), ago(30_000));
    await setMessage(future, 'RETRY_SCHEDULED', new Date(now.getTime() + 60_000), ago(600_000));
    await setMessage(abandoned, 'DELIVERING', null, ago(600_000));
    await setMessage(inFlight, 'DELIVERING', null, ago(5_000));
    await setMessage(finished, 'FAILED', null, ago(600_000));

    const swept = await takeUnqueuedMessages(em(), { graceMs: 60_000, staleAfterMs: 60_000, now });
    expect(swept.map((message) => message.id).sort()).toEqual([overdue, abandoned].sort());
    expect(swept.find((message) => message.id === abandoned)?.previousState).toBe('DELIVERING');

    const rows: Array<{ id: string; state: string; next_attempt_at: Date; last_error: string | null }> = await em().execute(
      `select id, state, next_attempt_at, last_error from push_messages where id in (?, ?)`,
      [overdue, abandoned],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(abandoned)?.state).toBe('RETRY_SCHEDULED');
    expect(byId.get(abandoned)?.last_error).toMatch(/worker stopped during this attempt/);
    expect(byId.get(overdue)?.state).toBe('RETRY_SCHEDULED');
    expect(new Date(byId.get(overdue)!.next_attempt_at)).toEqual(now);

    // Swept messages are due at `now`, so the next sweep leaves them alone for another grace period.
    expect(await takeUnqueuedMessages(em(), { graceMs: 60_000, staleAfterMs: 60_000, now: new Date(now.getTime() + 1000) })).toEqual([]);
  });

  it('leaves messages of a disabled connection alone', async () => {
    const connection = await createEnabledConnection(app, { url: listener.url });
    const [messageId] = await recordEventWithoutJob(app, await seedRecord(app, seeded));
    dataOf(await app.request(DisablePushConnectionDocument, { id: connection.id }));
    const now = new Date('2030-01-01T12:00:00Z');
    await setMessage(messageId, 'PENDING', new Date(now.getTime() - 3_600_000), new Date(now.getTime() - 3_600_000));

    expect(await takeUnqueuedMessages(em(), { graceMs: 60_000, staleAfterMs: 60_000, now })).toEqual([]);
  });

  it('logs the abandoned attempts of cancelled messages', async () => {
    const connection = await createEnabledConnection(app, { url: listener.url });
    const record = await seedRecord(app, seeded);
    const [swept, stale, waiting] = await Promise.all(
      Array.from({ length: 3 }, () => recordEventWithoutJob(app, record).then((ids) => ids[0])),
    );
    const now = new Date();
    const longAgo = new Date(now.getTime() - 600_000);
    // What a worker killed mid-request leaves: the attempt counted, the message DELIVERING.
    const abandonAttempt = (id: string) =>
      em().execute(`update push_messages set state = 'DELIVERING', attempts = 1, next_attempt_at = null, updated_at = ? where id = ?`, [longAgo, id]);
    // A sweep then makes `swept` due again with its attempt noted as abandoned, and the deletion cancels it.
    await abandonAttempt(swept);
    expect((await takeUnqueuedMessages(em(), { graceMs: 60_000, staleAfterMs: 60_000, now })).map((message) => message.id)).toEqual([swept]);
    // `stale` is still DELIVERING at the deletion, so the sweeper cancels it later.
    await abandonAttempt(stale);

    const feed = app.app.services.deliveryLogFeed;
    const subscribersBefore = feed.subscriberCount;
    const stream = collectSubscription(app.wsClient(), DeliveryLogDocument, { connectionId: connection.id });
    await waitFor(() => feed.subscriberCount > subscribersBefore, { description: 'the deliveryLog subscriber' });

    dataOf(await app.request(DeletePushConnectionDocument, { id: connection.id }));
    expect(await cancelMessagesOfDeletedConnections(em(), { staleAfterMs: 60_000, now })).toEqual({ cancelled: 1, abandonedAttempts: 1 });
    expect(await cancelMessagesOfDeletedConnections(em(), { staleAfterMs: 60_000, now })).toEqual({ cancelled: 0, abandonedAttempts: 0 });

    for (const messageId of [swept, stale]) {
      const logs = await fetchLogsOfMessage(app, messageId);
      expect(logs.map((log) => [log.attempt, log.responseCode, log.outcome, log.responseError])).toEqual([[1, 0, 'FAILED', ABANDONED_NOTE]]);
    }
    expect(await fetchLogsOfMessage(app, waiting)).toEqual([]);
    const states: Array<{ state: string }> = await em().execute(`select state from push_messages where id in (?, ?, ?)`, [swept, stale, waiting]);
    expect(states.map((row) => row.state)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);

    const streamed = await stream.waitForCount(2);
    expect(streamed.map((event) => event.deliveryLog.messageId).sort()).toEqual([swept, stale].sort());
    stream.unsubscribe();
  });

  it('counts the abandoned attempts of cancelled messages', async () => {
    const connection = await createEnabledConnection(app, { url: listener.url });
    const record = await seedRecord(app, seeded);
    const [swept, stale] = await Promise.all([recordEventWithoutJob(app, record), recordEventWithoutJob(app, record)]).then((ids) => ids.map((pair) => pair[0]));
    const longAgo = new Date(Date.now() - 600_000);
    const abandonAttempt = (id: string) =>
      em().execute(`update push_messages set state = 'DELIVERING', attempts = 1, next_attempt_at = null, updated_at = ? where id = ?`, [longAgo, id]);
    await abandonAttempt(swept);
    await takeUnqueuedMessages(em(), { graceMs: 60_000, staleAfterMs: 60_000, now: new Date() });
    await abandonAttempt(stale);
    const scrape = async (): Promise<Sample[]> => parsePrometheusText(await (await fetch(`${app.app.monitoringUrl}/metrics`)).text());
    const abandonedTotal = (samples: Sample[]) => sampleValue(samples, 'docpush_delivery_attempts_abandoned_total');
    const failedWithoutResponse = (samples: Sample[]) => sampleValue(samples, 'docpush_deliveries_total', { outcome: 'failed', response_class: 'none' });
    const before = await scrape();

    // This API-only process deletes the connection, which logs the attempt of the swept message.
    dataOf(await app.request(DeletePushConnectionDocument, { id: connection.id }));
    const afterDeletion = await scrape();
    // The sweep that a worker runs cancels the stale message and logs its attempt.
    const { services } = app.app;
    await sweep({ config: services.config, orm: services.orm, queue: services.deliveryQueue, logger: services.logger, metrics: services.monitoring.metrics });
    const afterSweep = await scrape();

    expect(abandonedTotal(afterDeletion) - abandonedTotal(before)).toBe(1);
    expect(failedWithoutResponse(afterDeletion) - failedWithoutResponse(before)).toBe(1);
    expect(abandonedTotal(afterSweep) - abandonedTotal(afterDeletion)).toBe(1);
    expect(failedWithoutResponse(afterSweep) - failedWithoutResponse(afterDeletion)).toBe(1);
    for (const messageId of [swept, stale]) expect(await fetchLogsOfMessage(app, messageId)).toHaveLength(1);
  });

  it('logs stale attempts of disabled connections only', async () => {
    const disabled = await createEnabledConnection(app, { name: 'Disabled', url: listener.url });
    const record = await seedRecord(app, seeded);
    const [stale, inFlight, waiting] = await Promise.all(Array.from({ length: 3 }, () => recordEventWithoutJob(app, record).then((ids) => ids[0])));
    dataOf(await app.request(DisablePushConnectionDocument, { id: disabled.id }));
    const deleted = await createEnabledConnection(app, { name: 'Deleted', url: listener.url });
    const [ofDeleted] = await recordEventWithoutJob(app, record);
    const now = new Date();
    const ago = (ms: number) => new Date(now.getTime() - ms);
    await setMessage(ofDeleted, 'DELIVERING', null, ago(600_000));
    dataOf(await app.request(DeletePushConnectionDocument, { id: deleted.id }));
    await createEnabledConnection(app, { name: 'Enabled', url: listener.url });
    const [ofEnabled] = await recordEventWithoutJob(app, record);
    await setMessage(ofEnabled, 'DELIVERING', null, ago(600_000));
    await setMessage(stale, 'DELIVERING', ago(900_000), ago(600_000));
    await setMessage(inFlight, 'DELIVERING', null, ago(5_000));
    await em().execute(`update push_messages set attempts = 3 where id = ?`, [stale]);

    const first = await logAbandonedAttemptsOfDisabledConnections(em(), { staleAfterMs: 60_000, now });
    const second = await logAbandonedAttemptsOfDisabledConnections(em(), { staleAfterMs: 60_000, now });

    expect(first.messageIds).toEqual([stale]);
    expect(first.abandonedAttempts).toBe(1);
    expect(second).toEqual({ messageIds: [], abandonedAttempts: 0 });
    const rows: Array<{ id: string; state: string; attempts: number; next_attempt_at: Date | null; last_error: string | null }> = await em().execute(
      `select id, state, attempts, next_attempt_at, last_error from push_messages where id in (?, ?, ?, ?, ?)`,
      [stale, inFlight, waiting, ofDeleted, ofEnabled],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(stale)).toMatchObject({ state: 'RETRY_SCHEDULED', attempts: 3, last_error: ABANDONED_NOTE });
    expect(new Date(byId.get(stale)!.next_attempt_at!)).toEqual(now);
    expect(byId.get(inFlight)?.state).toBe('DELIVERING');
    expect(byId.get(waiting)?.state).toBe('PENDING');
    expect(byId.get(ofDeleted)?.state).toBe('DELIVERING');
    expect(byId.get(ofEnabled)?.state).toBe('DELIVERING');
    const logs = await fetchLogsOfMessage(app, stale);
    expect(logs.map((log) => [log.attempt, log.responseCode, log.outcome, log.responseError])).toEqual([[3, 0, 'FAILED', ABANDONED_NOTE]]);
    expect(logs[0].connectionName).toBe('Disabled');
  });

  it('makes a moved message due on enable', async () => {
    const connection = await createEnabledConnection(app, { url: listener.url });
    const [moved] = await recordEventWithoutJob(app, await seedRecord(app, seeded));
    dataOf(await app.request(DisablePushConnectionDocument, { id: connection.id }));
    const sweptAt = new Date(Date.now() - 60_000);
    await setMessage(moved, 'DELIVERING', null, new Date(sweptAt.getTime() - 600_000));
    expect((await logAbandonedAttemptsOfDisabledConnections(em(), { staleAfterMs: 60_000, now: sweptAt })).messageIds).toEqual([moved]);

    const enabledAt = new Date();
    dataOf(await app.request(EnablePushConnectionDocument, { id: connection.id }));

    // Enabling makes the connection's waiting messages due at the time of the enabling.
    const [row]: Array<{ state: string; next_attempt_at: Date }> = await em().execute(`select state, next_attempt_at from push_messages where id = ?`, [moved]);
    expect(row.state).toBe('RETRY_SCHEDULED');
    expect(new Date(row.next_attempt_at).getTime()).toBeGreaterThanOrEqual(enabledAt.getTime());
  });

  it('cancels abandoned messages of a deleted connection', async () => {
    const connection = await createEnabledConnection(app, { url: listener.url });
    const record = await seedRecord(app, seeded);
    const [abandoned, inFlight] = await Promise.all([recordEventWithoutJob(app, record), recordEventWithoutJob(app, record)]).then((ids) => ids.map((pair) => pair[0]));
    const now = new Date('2030-01-01T12:00:00Z');
    await setMessage(abandoned, 'DELIVERING', null, new Date(now.getTime() - 600_000));
    await setMessage(inFlight, 'DELIVERING', null, new Date(now.getTime() - 5_000));
    dataOf(await app.request(DeletePushConnectionDocument, { id: connection.id }));

    expect((await cancelMessagesOfDeletedConnections(em(), { staleAfterMs: 60_000, now })).cancelled).toBe(1);
    const rows: Array<{ id: string; state: string }> = await em().execute(`select id, state from push_messages where id in (?, ?)`, [abandoned, inFlight]);
    const states = new Map(rows.map((row) => [row.id, row.state]));
    expect(states.get(abandoned)).toBe('CANCELLED');
    expect(states.get(inFlight)).toBe('DELIVERING');
  });
});
