import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { startAppOnDatabase, startTestApp, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { createEnabledConnection, deleteAllConnections } from '../reliability/reliability-support';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { DocumentRecordEvent } from '../../src/records/document-record-event.entity';
import { PushMessage } from '../../src/delivery/push-message.entity';
import { newMessageId } from '../../src/common/ids';
import { ABANDONED_NOTE } from '../../src/delivery/steps/claim-batch.step';
import type { RunningApp } from '../../src/app/app';
import { DeliveryDispatcher, type DispatcherOptions } from '../../src/delivery/delivery.dispatcher';
import { PgChannelListener } from '../../src/common/pg-channel-listener';
import { findListenBackendPids, terminateBackend } from '../support/listen-backends';

const WAIT_TIMEOUT_MS = 20_000;

interface MessageRow {
  id: string;
  state: string;
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
}

async function readMessage(pool: pg.Pool, id: string): Promise<MessageRow> {
  const result = await pool.query<MessageRow>(`select id, state, attempts, next_attempt_at, last_error from push_messages where id = $1`, [id]);
  return result.rows[0];
}

async function readLogs(pool: pg.Pool, messageId: string) {
  const result = await pool.query<{ attempt: number; response_code: number; outcome: string; response_error: string }>(
    `select attempt, response_code, outcome, response_error from push_logs where message_id = $1 order by attempt`,
    [messageId],
  );
  return result.rows;
}

describe('dispatcher of a running app', () => {
  const CONNECTION_CONCURRENCY = 3;
  const RETRY_DELAY_MS = 1500;
  let app: TestApp;
  let seeded: SeededWorkspace;
  let pool: pg.Pool;
  let listener: TestListener | null = null;

  beforeAll(async () => {
    app = await startTestApp({
      DOCPUSH_CONNECTION_CONCURRENCY: String(CONNECTION_CONCURRENCY),
      DOCPUSH_RETRY_SCHEDULE: `${RETRY_DELAY_MS}ms`,
      // The fallback poll never fires during a test, so every claim here follows a NOTIFY, an ended attempt or the retry timer.
      DOCPUSH_JOB_POLL_INTERVAL: '1h',
    });
    seeded = await seedWorkspace(app);
    pool = new pg.Pool({ connectionString: app.databaseUrl, max: 2 });
  });

  afterEach(async () => {
    await listener?.close();
    listener = null;
    await deleteAllConnections(app);
  });

  afterAll(async () => {
    await pool?.end();
    await app?.stop();
  });

  /**
   * Writes `count` events of one record with a message each to the connection, in one flush, and
   * wakes the workers once, as a bulk import would. The rows are those that
   * recordEventWithMessages writes for an event that triggers this one connection.
   */
  async function recordBurst(connectionId: number, count: number): Promise<string[]> {
    const record = await seedRecord(app, seeded);
    const em = app.app.services.orm.em.fork();
    const messages = Array.from({ length: count }, () => {
      const event = em.create(DocumentRecordEvent, {
        workspace: seeded.workspaceId,
        documentRecord: record.id,
        type: DocumentRecordEventType.DocumentRecordUpdated,
        author: seeded.author.id,
      });
      return em.create(PushMessage, { id: newMessageId(), workspace: seeded.workspaceId, connection: connectionId, event });
    });
    await em.flush();
    const messageIds = messages.map((message) => message.id);
    await app.app.services.deliveryQueue.enqueue(messageIds);
    return messageIds;
  }

  it('keeps a burst within the connection limit', async () => {
    let connectionId = 0;
    let open = 0;
    let maxOpen = 0;
    let maxDelivering = 0;
    listener = await startListener((_request, response) => {
      open += 1;
      maxOpen = Math.max(maxOpen, open);
      void (async () => {
        // The worker may open up to DOCPUSH_JOB_CONCURRENCY sockets to one listener, so the open
        // requests show a claim over the limit. The claimed rows are counted as well: a row stays
        // DELIVERING until its attempt is written, while a claim has already refilled its slot.
        const delivering = await pool.query<{ count: number }>(
          `select count(*)::int as count from push_messages where connection_id = $1 and state = 'DELIVERING'`,
          [connectionId],
        );
        maxDelivering = Math.max(maxDelivering, delivering.rows[0].count);
        await new Promise((resolve) => setTimeout(resolve, 5));
        open -= 1;
        response.writeHead(200);
        response.end('ok');
      })();
    });
    connectionId = Number((await createEnabledConnection(app, { name: 'Burst', url: listener.url })).id);

    const messageIds = await recordBurst(connectionId, 300);
    expect(messageIds).toHaveLength(300);

    const requests = await listener.waitForRequests(300, WAIT_TIMEOUT_MS);
    await waitFor(
      async () => {
        const result = await pool.query<{ count: number }>(
          `select count(*)::int as count from push_messages where id = any($1::text[]) and state = 'SUCCEEDED' and attempts = 1`,
          [messageIds],
        );
        return result.rows[0].count === 300;
      },
      { timeoutMs: WAIT_TIMEOUT_MS, description: '300 messages to succeed at their first attempt' },
    );

    expect(maxOpen).toBe(CONNECTION_CONCURRENCY);
    expect(maxDelivering).toBeLessThanOrEqual(2 * CONNECTION_CONCURRENCY);
    const webhookIds = requests.map((request) => String(request.headers['webhook-id']));
    expect(new Set(webhookIds).size).toBe(300);
    expect([...webhookIds].sort()).toEqual([...messageIds].sort());
    expect(listener.requests).toHaveLength(300);
    const logs = await pool.query<{ count: number }>(`select count(*)::int as count from push_logs where message_id = any($1::text[])`, [messageIds]);
    expect(logs.rows[0].count).toBe(300);
  });

  it('attempts a scheduled retry on its timer', async () => {
    listener = await startListener((_request, response) => {
      response.writeHead(listener!.requests.length === 1 ? 500 : 200);
      response.end();
    });
    await createEnabledConnection(app, { name: 'Retry', url: listener.url });
    const record = await seedRecord(app, seeded);

    const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    const [first, second] = await listener.waitForRequests(2, WAIT_TIMEOUT_MS);

    expect(second.headers['webhook-id']).toBe(messageIds[0]);
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(RETRY_DELAY_MS);
    await waitFor(async () => (await readMessage(pool, messageIds[0])).state === 'SUCCEEDED', {
      timeoutMs: WAIT_TIMEOUT_MS,
      description: 'the retried message to succeed',
    });
    expect((await readMessage(pool, messageIds[0])).attempts).toBe(2);
    expect((await readLogs(pool, messageIds[0])).map((log) => [log.attempt, log.outcome])).toEqual([
      [1, 'FAILED'],
      [2, 'SUCCEEDED'],
    ]);
  });
});

describe('beside an API process', () => {
  const ATTEMPT_TIMEOUT_MS = 500;
  // app.ts gives the dispatcher the attempt time-out plus one second to drain when it stops.
  const DRAIN_DEADLINE_MS = ATTEMPT_TIMEOUT_MS + 1000;
  const secretKey = randomBytes(32).toString('base64');
  // This process serves the API and owns the database. Each test runs a worker or a dispatcher on it.
  let api: TestApp;
  let seeded: SeededWorkspace;
  let pool: pg.Pool;
  let worker: RunningApp | null = null;
  let dispatcher: DeliveryDispatcher | null = null;
  let listener: TestListener | null = null;

  beforeAll(async () => {
    api = await startTestApp({ DOCPUSH_ROLE: 'api', DOCPUSH_SECRET_KEY: secretKey });
    seeded = await seedWorkspace(api);
    pool = new pg.Pool({ connectionString: api.databaseUrl, max: 2 });
  });

  afterEach(async () => {
    await worker?.stop();
    worker = null;
    await dispatcher?.stop(0);
    dispatcher = null;
    await listener?.close();
    listener = null;
    await deleteAllConnections(api);
  });

  afterAll(async () => {
    await pool?.end();
    await api?.stop();
  });

  function startWorker(logger?: pino.Logger): Promise<RunningApp> {
    return startAppOnDatabase(api.databaseUrl, {
      DOCPUSH_ROLE: 'worker',
      DOCPUSH_SECRET_KEY: secretKey,
      DOCPUSH_ATTEMPT_TIMEOUT: `${ATTEMPT_TIMEOUT_MS}ms`,
      DOCPUSH_RETRY_SCHEDULE: '1h',
    }, logger ? { logger } : {});
  }

  /** Stops the test's worker and clears the variable, so that afterEach does not stop it a second time. */
  async function stopWorker(): Promise<void> {
    const running = worker;
    worker = null;
    await running?.stop();
  }

  describe('stopping a worker', () => {
    it('waits for a held request to time out', async () => {
      const heldResponses: http.ServerResponse[] = [];
      listener = await startListener((_request, response) => heldResponses.push(response));
      await createEnabledConnection(api, { name: 'Holding', url: listener.url });
      const record = await seedRecord(api, seeded);
      worker = await startWorker();

      const { messageIds } = await recordEvent(api, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
      await listener.waitForRequests(1, WAIT_TIMEOUT_MS);
      await stopWorker();

      // The attempt's own deadline ends it before the drain deadline, so it is recorded as a time-out
      // and retried on schedule. The release of attempts still running at the deadline never applies here.
      const message = await readMessage(pool, messageIds[0]);
      expect(message).toMatchObject({ state: 'RETRY_SCHEDULED', attempts: 1 });
      expect(message.last_error).toMatch(new RegExp(`^Timed out after ${ATTEMPT_TIMEOUT_MS} ms`));
      expect(message.next_attempt_at!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
      const logs = await readLogs(pool, messageIds[0]);
      expect(logs).toEqual([expect.objectContaining({ attempt: 1, response_code: 0, outcome: 'FAILED' })]);
    });

    it('leaves an answered attempt to its write', async () => {
      listener = await startListener();
      await createEnabledConnection(api, { name: 'Slow write', url: listener.url });
      const record = await seedRecord(api, seeded);
      const logLines: string[] = [];
      worker = await startWorker(pino({ level: 'warn' }, { write: (line: string) => logLines.push(line) }));
      // The attempt cannot write its push log while this lock is held, so its write outlives the drain deadline.
      const lock = new pg.Client({ connectionString: api.databaseUrl });
      await lock.connect();

      try {
        await lock.query(`begin`);
        await lock.query(`lock table push_logs in share mode`);
        const { messageIds } = await recordEvent(api, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
        const [messageId] = messageIds;
        await listener.waitForRequests(1, WAIT_TIMEOUT_MS);

        const stoppedAt = Date.now();
        const stopping = stopWorker();
        const deadlineLine = () => logLines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => String(entry.msg).includes('shutdown deadline'));
        await waitFor(() => deadlineLine() !== undefined, { timeoutMs: WAIT_TIMEOUT_MS, description: 'the stopping worker to pass its drain deadline' });

        expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(DRAIN_DEADLINE_MS);
        expect(deadlineLine()).toMatchObject({ running: 0, beingWritten: 1 });
        expect(await readMessage(pool, messageId)).toMatchObject({ state: 'DELIVERING', attempts: 1, last_error: null });

        await lock.query(`commit`);
        await stopping;

        // The write that the lock held back records the response and sets the message's state, so it is not sent again.
        expect(await readLogs(pool, messageId)).toEqual([expect.objectContaining({ attempt: 1, response_code: 200, outcome: 'SUCCEEDED' })]);
        expect(await readMessage(pool, messageId)).toMatchObject({ state: 'SUCCEEDED', attempts: 1, last_error: null });
      } finally {
        await lock.end();
      }
    });
  });

  describe('DeliveryDispatcher', () => {
    /** Inserts due messages of a connection straight into push_messages, the first one due earliest. */
    async function insertDueMessages(connectionId: number, eventId: number, count: number): Promise<string[]> {
      const ids = Array.from({ length: count }, () => newMessageId());
      await pool.query(
        `insert into push_messages (id, workspace_id, connection_id, event_id, state, attempts, next_attempt_at, created_at, updated_at)
         select id, $2, $3, $4, 'PENDING', 0, now() - interval '1 minute' + position * interval '1 millisecond', now(), now()
           from unnest($1::text[]) with ordinality as due(id, position)`,
        [ids, seeded.workspaceId, connectionId, eventId],
      );
      return ids;
    }

    it('claims a scheduled retry on time', async () => {
      const connection = await createEnabledConnection(api, { name: 'Timer', url: 'http://127.0.0.1:9/webhook' });
      const record = await seedRecord(api, seeded);
      // No connection selects DocumentRecordCreated, so this event only gives the inserted message an event to belong to.
      const { eventId } = await recordEvent(api, record, DocumentRecordEventType.DocumentRecordCreated, seeded.author);
      const [messageId] = await insertDueMessages(Number(connection.id), eventId, 1);
      await pool.query(`update push_messages set state = 'RETRY_SCHEDULED', next_attempt_at = now() + interval '300 milliseconds' where id = $1`, [messageId]);

      const delivered: Array<{ id: string; at: number }> = [];
      dispatcher = new DeliveryDispatcher({
        orm: api.app.services.orm,
        logger: api.app.services.logger,
        // The API process's shared listener, so this dispatcher's stop must leave its connection open.
        channelListener: api.app.services.channelListener,
        concurrency: 1,
        batchSize: 1,
        connectionConcurrency: 10,
        staleAfterMs: 60_000,
        // Only the retry timer can start the claim within the test.
        pollIntervalMs: 3_600_000,
        deliver: async (message) => {
          delivered.push({ id: message.id, at: Date.now() });
        },
      });
      const startedAt = Date.now();
      await dispatcher.start();

      await waitFor(() => delivered.length === 1, { timeoutMs: 5000, description: 'the retry to be claimed by its timer' });
      expect(delivered[0].id).toBe(messageId);
      expect(delivered[0].at - startedAt).toBeGreaterThanOrEqual(250);
    });

    /**
     * Starts a dispatcher whose attempts stay running until the test ends them, on two due
     * messages of a new connection. Its LISTEN connection is never started, so no NOTIFY wakes
     * it: only the test and the ends of attempts do.
     */
    async function startHeldDispatcher(name: string, limits: { concurrency: number; connectionConcurrency: number }) {
      const connection = await createEnabledConnection(api, { name, url: 'http://127.0.0.1:9/webhook' });
      const record = await seedRecord(api, seeded);
      const { eventId } = await recordEvent(api, record, DocumentRecordEventType.DocumentRecordCreated, seeded.author);
      const connectionId = Number(connection.id);
      const [first, second] = await insertDueMessages(connectionId, eventId, 2);
      const harness = { first, second, delivered: [] as string[], endAttempt: new Map<string, () => void>(), requestsEnded: [] as string[] };
      const started = new DeliveryDispatcher({
        orm: api.app.services.orm,
        logger: api.app.services.logger,
        channelListener: new PgChannelListener({ connectionString: api.databaseUrl, logger: api.app.services.logger }),
        concurrency: limits.concurrency,
        batchSize: limits.concurrency,
        connectionConcurrency: limits.connectionConcurrency,
        staleAfterMs: 60_000,
        pollIntervalMs: 3_600_000,
        requestEndedMessageIds: () => harness.requestsEnded,
        deliver: (message) =>
          new Promise<void>((resolve) => {
            harness.delivered.push(message.id);
            harness.endAttempt.set(message.id, resolve);
          }),
      });
      dispatcher = started;
      await started.start();
      return Object.assign(harness, { dispatcher: started, insertMore: () => insertDueMessages(connectionId, eventId, 2) });
    }

    /** Ends every held attempt and stops the dispatcher. */
    async function stopHeldDispatcher(endAttempt: Map<string, () => void>): Promise<void> {
      for (const end of endAttempt.values()) end();
      await dispatcher?.stop(0);
      dispatcher = null;
    }

    it('wakes a full process when refilled attempts end', async () => {
      const harness = await startHeldDispatcher('Refilled', { concurrency: 3, connectionConcurrency: 10 });
      const { first, second, delivered, endAttempt } = harness;
      const internals = harness.dispatcher as unknown as { claiming: boolean; slotsRefilled: Set<string> };

      try {
        await waitFor(() => delivered.length === 2 && !internals.claiming, { description: 'the first two attempts to start' });
        // Both requests have ended and their attempts are being written, as the attempt writer reports them, and a claim finds nothing more.
        harness.requestsEnded = [first, second];
        harness.dispatcher.wakeSoon();
        await waitFor(() => internals.slotsRefilled.size === 2 && !internals.claiming, { description: 'the claim that refills both slots' });
        // Their write has committed, and the attempts have not ended yet: they count as open again.
        harness.requestsEnded = [];

        // The older of two new messages takes the last slot of the process, and the other waits.
        const [third, fourth] = await harness.insertMore();
        harness.dispatcher.wake();
        await waitFor(() => delivered.includes(third) && !internals.claiming, { description: 'the claim that fills the process' });
        expect(delivered).not.toContain(fourth);
        endAttempt.get(first)!();
        endAttempt.get(second)!();

        await waitFor(() => delivered.includes(fourth), { timeoutMs: 5000, description: 'the waiting message to take a freed slot' });
      } finally {
        await stopHeldDispatcher(endAttempt);
      }
    });

    it('refills slots of ended requests', async () => {
      const harness = await startHeldDispatcher('Ended requests', { concurrency: 2, connectionConcurrency: 2 });
      const { first, second, delivered, endAttempt } = harness;

      try {
        await waitFor(() => delivered.length === 2, { description: 'the first two attempts to start' });
        const [third, fourth] = await harness.insertMore();

        // Both requests have ended and their attempts are being written, so neither the
        // process limit nor the connection's counts them.
        harness.requestsEnded = [first, second];
        harness.dispatcher.wakeSoon();

        await waitFor(() => delivered.includes(third) && delivered.includes(fourth), { description: 'the two waiting messages to take the freed slots' });
        expect(delivered).toHaveLength(4);
      } finally {
        await stopHeldDispatcher(endAttempt);
      }
    });

    /** Returns whether a session waits for a lock with a query that contains `fragment`. */
    async function isWaitingForLock(client: pg.Client, fragment: string): Promise<boolean> {
      await client.query('select pg_stat_clear_snapshot()');
      const result = await client.query<{ waiting: number }>(
        `select count(*)::int as waiting from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid() and strpos(query, $1) > 0`,
        [fragment],
      );
      return result.rows[0].waiting > 0;
    }

    /**
     * Starts a dispatcher on one due message whose attempt stays running until the drain deadline
     * ends it, with the look-up of the next retry time that follows the claim waiting for a lock
     * until the test calls releaseLock. The message carries an abandoned attempt, whose push log
     * row the dispatcher writes after the claim and before the attempt starts. A lock on push_logs
     * holds that write while the test takes an exclusive lock on push_messages, which the claim no
     * longer holds and the look-up then waits for.
     */
    async function startDispatcherWithHeldLookUp(drainEvents: { lookUpRunningAtDeadline: boolean | null }) {
      const connection = await createEnabledConnection(api, { name: 'Held look-up', url: 'http://127.0.0.1:9/webhook' });
      const record = await seedRecord(api, seeded);
      const { eventId } = await recordEvent(api, record, DocumentRecordEventType.DocumentRecordCreated, seeded.author);
      const [messageId] = await insertDueMessages(Number(connection.id), eventId, 1);
      await pool.query(`update push_messages set attempts = 1, last_error = $2 where id = $1`, [messageId, ABANDONED_NOTE]);

      const clients = await Promise.all([0, 1, 2].map(async () => {
        const client = new pg.Client({ connectionString: api.databaseUrl });
        await client.connect();
        return client;
      }));
      const [logLocker, lookUpLocker, watcher] = clients;
      const releaseLock = async () => {
        await logLocker.query('rollback').catch(() => undefined);
        await lookUpLocker.query('rollback').catch(() => undefined);
        await Promise.all(clients.map((client) => client.end()));
      };

      const endAttempts: Array<() => void> = [];
      const started = new DeliveryDispatcher({
        orm: api.app.services.orm,
        logger: api.app.services.logger,
        channelListener: new PgChannelListener({ connectionString: api.databaseUrl, logger: api.app.services.logger }),
        // One message fills less than a batch, so the claim ends and the look-up starts.
        concurrency: 3,
        batchSize: 2,
        connectionConcurrency: 10,
        staleAfterMs: 60_000,
        pollIntervalMs: 3_600_000,
        deliver: () => new Promise<void>((resolve) => endAttempts.push(resolve)),
        onDrainDeadline: async () => {
          drainEvents.lookUpRunningAtDeadline = (started as unknown as { planning: Promise<void> | null }).planning !== null;
          for (const end of endAttempts) end();
        },
      });
      try {
        await logLocker.query('begin');
        await logLocker.query('lock table push_logs in access exclusive mode');
        await started.start();
        await waitFor(() => isWaitingForLock(watcher, 'insert into push_logs'), { description: 'the abandoned attempt\'s row to wait for the lock on push_logs' });

        await lookUpLocker.query('begin');
        await lookUpLocker.query('lock table push_messages in access exclusive mode');
        await logLocker.query('rollback');

        await waitFor(() => endAttempts.length === 1, { description: 'the attempt to start' });
        await waitFor(() => isWaitingForLock(watcher, 'min(next_attempt_at)'), { description: 'the look-up to wait for the lock' });
      } catch (error) {
        await started.stop(0);
        await releaseLock();
        throw error;
      }
      return { dispatcher: started, releaseLock };
    }

    it('ends attempts at the drain deadline while a look-up waits', async () => {
      const drainEvents: { lookUpRunningAtDeadline: boolean | null } = { lookUpRunningAtDeadline: null };
      const heldLookUp = await startDispatcherWithHeldLookUp(drainEvents);
      dispatcher = null;

      const stopped = heldLookUp.dispatcher.stop(300);
      try {
        // The look-up waits for the lock until releaseLock below, so a drain that waited for it would never reach its deadline.
        await waitFor(() => drainEvents.lookUpRunningAtDeadline !== null, { description: 'the drain deadline to end the held attempt' });
        expect(drainEvents.lookUpRunningAtDeadline).toBe(true);
      } finally {
        await heldLookUp.releaseLock();
        await stopped;
      }
    });

    it('arms no timer after a look-up that outlives stop', async () => {
      const heldLookUp = await startDispatcherWithHeldLookUp({ lookUpRunningAtDeadline: null });
      dispatcher = null;
      const internals = heldLookUp.dispatcher as unknown as { planning: Promise<void> | null; timer: NodeJS.Timeout | null };

      const stopped = heldLookUp.dispatcher.stop(0);
      await heldLookUp.releaseLock();
      await stopped;
      await waitFor(() => internals.planning === null, { description: 'the look-up to end' });

      expect(heldLookUp.dispatcher.isRunning).toBe(false);
      expect(internals.timer === null).toBe(true);
    });

    it('claims at once when its LISTEN connection returns', async () => {
      const connection = await createEnabledConnection(api, { name: 'Reconnect', url: 'http://127.0.0.1:9/webhook' });
      const record = await seedRecord(api, seeded);
      const { eventId } = await recordEvent(api, record, DocumentRecordEventType.DocumentRecordCreated, seeded.author);
      // A channel listener of its own, so terminating its backend leaves the API process's connection alone.
      const channelListener = new PgChannelListener({ connectionString: api.databaseUrl, logger: api.app.services.logger });
      const delivered: string[] = [];
      const options: DispatcherOptions = {
        orm: api.app.services.orm,
        logger: api.app.services.logger,
        channelListener,
        concurrency: 1,
        batchSize: 1,
        connectionConcurrency: 10,
        staleAfterMs: 60_000,
        // No poll within the test, so only a wake-up can claim the message.
        pollIntervalMs: 3_600_000,
        deliver: async (message) => {
          delivered.push(message.id);
        },
      };
      try {
        await channelListener.start();
        const before = await findListenBackendPids(api.databaseUrl);
        dispatcher = new DeliveryDispatcher(options);
        await dispatcher.start();
        const backend = (await findListenBackendPids(api.databaseUrl)).filter((pid) => !before.includes(pid));
        expect(backend).toHaveLength(1);
        // The claim that start() began must be over, or it could take the message inserted next.
        await waitFor(() => !(dispatcher as unknown as { claiming: boolean }).claiming, { description: 'the first claim to end' });

        // Inserted without a NOTIFY, as a message whose notification was lost while the connection was down.
        const [messageId] = await insertDueMessages(Number(connection.id), eventId, 1);
        await terminateBackend(api.databaseUrl, backend[0]);

        await waitFor(() => delivered.includes(messageId), { timeoutMs: 10_000, description: 'the message to be claimed after the reconnect' });
      } finally {
        await dispatcher?.stop(0);
        dispatcher = null;
        await channelListener.stop();
      }
    });
  });
});
