import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { DeliveryOutcome, PushLog } from '../../src/delivery/push-log.entity';
import { purgeExpiredRows } from '../../src/jobs/retention.job';
import { JOB_TABLE } from '../../src/jobs/agenda-queue';
import { SendTestMessageDocument } from '../generated/graphql';
import { createEnabledConnection, waitForMessageState, WAIT_TIMEOUT_MS } from './reliability-support';

// Each test waits for deliveries with deadlines of its own; this bounds the whole test.
jest.setTimeout(90_000);

const DAY_MS = 24 * 60 * 60 * 1000;

describe('purge of expired rows', () => {
  let app: TestApp;
  let seeded: SeededWorkspace;
  let listener: TestListener;

  // An API-only process runs no jobs, so only the purge below deletes anything.
  beforeAll(async () => {
    app = await startTestApp({ DOCPUSH_ROLE: 'api' });
    seeded = await seedWorkspace(app);
    listener = await startListener();
  });

  afterAll(async () => {
    await listener?.close();
    await app?.stop();
  });

  const em = () => app.app.services.orm.em.fork();
  const now = Date.now();
  const cutoff = new Date(now - 30 * DAY_MS);
  const old = new Date(now - 31 * DAY_MS);
  const recent = new Date(now - 29 * DAY_MS);

  async function insertLogs(createdAt: Date, count: number): Promise<number[]> {
    const fork = em();
    const logs = Array.from({ length: count }, () =>
      fork.create(PushLog, {
        workspace: seeded.workspaceId,
        connectionId: 1,
        connectionName: 'Retention',
        eventId: 1,
        eventType: DocumentRecordEventType.DocumentRecordUpdated,
        messageId: 'msg_00000000000000000000000000',
        attempt: 1,
        requestUrl: listener.url,
        requestBody: '{}',
        responseCode: 200,
        durationMs: 1,
        outcome: DeliveryOutcome.SUCCEEDED,
        createdAt,
      }),
    );
    await fork.flush();
    return logs.map((log) => log.id);
  }

  async function createMessages(states: string[], updatedAt: Date): Promise<string[]> {
    const record = await seedRecord(app, seeded);
    const ids: string[] = [];
    for (const state of states) {
      const [id] = (await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author)).messageIds;
      await em().execute(`update push_messages set state = ?::push_message_state, updated_at = ? where id = ?`, [state, updatedAt, id]);
      ids.push(id);
    }
    return ids;
  }

  async function insertJob(name: string, columns: { nextRunAt?: Date | null; lockedAt?: Date | null; finishedAt?: Date | null; failedAt?: Date | null }) {
    const rows: Array<{ id: string }> = await em().execute(
      `insert into ${JOB_TABLE} (name, next_run_at, locked_at, last_finished_at, failed_at, data) values (?, ?, ?, ?, ?, '{}'::jsonb) returning id`,
      [name, columns.nextRunAt ?? null, columns.lockedAt ?? null, columns.finishedAt ?? null, columns.failedAt ?? null],
    );
    return rows[0].id;
  }

  /** Returns which of the ids still exist in the table, as sorted strings. */
  async function existing(table: string, ids: Array<string | number>): Promise<string[]> {
    const rows: Array<{ id: string | number }> = await em().execute(`select id from ${table} where id in (?)`, [ids]);
    return rows.map((row) => String(row.id)).sort();
  }
  const sorted = (ids: Array<string | number>) => ids.map(String).sort();

  it('deletes old logs, finished messages and finished jobs in batches', async () => {
    const connection = await createEnabledConnection(app, { url: listener.url });
    const oldLogs = await insertLogs(old, 5);
    const recentLogs = await insertLogs(recent, 2);
    const oldFinished = await createMessages(['SUCCEEDED', 'FAILED', 'CANCELLED'], old);
    const oldUnfinished = await createMessages(['PENDING', 'RETRY_SCHEDULED', 'DELIVERING'], old);
    const recentFinished = await createMessages(['SUCCEEDED'], recent);
    const testMessage = dataOf(await app.request(SendTestMessageDocument, { connectionId: connection.id })).sendTestMessage;
    await em().execute(`update push_messages set state = 'FAILED', updated_at = ? where id = ?`, [old, testMessage.id]);
    const oldJobs = [
      await insertJob('deliver-push-message', { finishedAt: old }),
      await insertJob('deliver-push-message', { failedAt: old }),
    ];
    const keptJobs = [
      await insertJob('deliver-push-message', { finishedAt: recent }),
      await insertJob('deliver-push-message', { nextRunAt: old }),
      await insertJob('deliver-push-message', { lockedAt: old, finishedAt: old }),
    ];

    const counts = await purgeExpiredRows(em(), { cutoff, batchSize: 2, jobTable: JOB_TABLE });

    expect(counts).toEqual({ pushLogs: 5, pushMessages: oldFinished.length + 1, agendaJobs: oldJobs.length });
    expect(await existing('push_logs', [...oldLogs, ...recentLogs])).toEqual(sorted(recentLogs));
    expect(await existing('push_messages', oldFinished)).toEqual([]);
    expect(await existing('push_messages', [...oldUnfinished, ...recentFinished])).toEqual(sorted([...oldUnfinished, ...recentFinished]));
    expect(await existing('push_messages', [testMessage.id])).toEqual([]);
    expect(await existing('document_record_events', [testMessage.eventId])).toEqual([]);
    expect(await existing(JOB_TABLE, oldJobs)).toEqual([]);
    expect(await existing(JOB_TABLE, keptJobs)).toEqual(sorted(keptJobs));
  });
});

describe('retention job in a worker', () => {
  let app: TestApp;
  let seeded: SeededWorkspace;
  let listener: TestListener;

  beforeAll(async () => {
    app = await startTestApp({ DOCPUSH_LOG_RETENTION: '1s', DOCPUSH_RETENTION_INTERVAL: '300ms', DOCPUSH_JOB_POLL_INTERVAL: '300ms' });
    seeded = await seedWorkspace(app);
    listener = await startListener();
  });

  afterAll(async () => {
    await listener?.close();
    await app?.stop();
  });

  it('purges a delivered message and its log once they expire', async () => {
    await createEnabledConnection(app, { url: listener.url });
    const record = await seedRecord(app, seeded);
    const [messageId] = (await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author)).messageIds;
    await waitForMessageState(app, messageId, 'SUCCEEDED');

    const em = () => app.app.services.orm.em.fork();
    const remaining = async () => {
      const rows: Array<{ logs: number; messages: number }> = await em().execute(
        `select (select count(*)::int from push_logs where message_id = ?) as logs, (select count(*)::int from push_messages where id = ?) as messages`,
        [messageId, messageId],
      );
      return rows[0];
    };
    expect(await remaining()).toEqual({ logs: 1, messages: 1 });
    await waitFor(async () => {
      const rows = await remaining();
      return rows.logs === 0 && rows.messages === 0;
    }, { timeoutMs: WAIT_TIMEOUT_MS, description: 'the retention job to purge the message and its log' });
  });
});
