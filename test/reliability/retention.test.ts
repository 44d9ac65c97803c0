import pg from 'pg';
import pino from 'pino';
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { DeliveryOutcome, PushLog } from '../../src/delivery/push-log.entity';
import { DocumentRecord } from '../../src/records/document-record.entity';
import { CLEAR_EVENT_SNAPSHOTS_SQL, purgeExpiredRows } from '../../src/jobs/retention.job';
import { JOB_TABLE } from '../../src/jobs/agenda-queue';
import { ResendPushMessageDocument, SendTestMessageDocument } from '../generated/graphql';
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
    const logs = Array.from({ length: count }, (_, index) =>
      fork.create(PushLog, {
        workspace: seeded.workspaceId,
        connectionId: 1,
        connectionName: 'Retention',
        eventId: 1,
        eventType: DocumentRecordEventType.DocumentRecordUpdated,
        messageId: 'msg_00000000000000000000000000',
        // Rows of one message at one time need attempt numbers of their own.
        attempt: index + 1,
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

    expect(counts).toEqual({ pushLogs: 5, pushMessages: oldFinished.length + 1, agendaJobs: oldJobs.length, eventSnapshots: 0 });
    expect(await existing('push_logs', [...oldLogs, ...recentLogs])).toEqual(sorted(recentLogs));
    expect(await existing('push_messages', oldFinished)).toEqual([]);
    expect(await existing('push_messages', [...oldUnfinished, ...recentFinished])).toEqual(sorted([...oldUnfinished, ...recentFinished]));
    expect(await existing('push_messages', [testMessage.id])).toEqual([]);
    expect(await existing('document_record_events', [testMessage.eventId])).toEqual([]);
    expect(await existing(JOB_TABLE, oldJobs)).toEqual([]);
    expect(await existing(JOB_TABLE, keptJobs)).toEqual(sorted(keptJobs));
  });

  /** Records `count` events (on one new record) and moves their creation time to `createdAt`. */
  async function createEvents(count: number, createdAt: Date): Promise<number[]> {
    const record = await seedRecord(app, seeded);
    const ids: number[] = [];
    for (let i = 0; i < count; i += 1) ids.push((await recordEvent(app, record, DocumentRecordEventType.DocumentDownload, seeded.author)).eventId);
    await em().execute(`update document_record_events set created_at = ? where id in (?)`, [createdAt, ids]);
    return ids;
  }

  /** Returns the ids of the events among `ids` that still keep a record snapshot, as sorted strings. */
  async function withSnapshot(ids: number[]): Promise<string[]> {
    const rows: Array<{ id: number }> = await em().execute(`select id from document_record_events where id in (?) and record_snapshot is not null`, [ids]);
    return sorted(rows.map((row) => row.id));
  }

  it('clears old snapshots in batches', async () => {
    const oldEvents = await createEvents(5, old);
    const recentEvents = await createEvents(2, recent);
    expect(await withSnapshot([...oldEvents, ...recentEvents])).toEqual(sorted([...oldEvents, ...recentEvents]));

    // One statement clears at most its limit, and the purge repeats it until a batch comes back short.
    const firstBatch: unknown[] = await em().execute(CLEAR_EVENT_SNAPSHOTS_SQL, [cutoff, 2]);
    const counts = await purgeExpiredRows(em(), { cutoff, batchSize: 2, jobTable: JOB_TABLE });

    expect(firstBatch).toHaveLength(2);
    expect(counts).toEqual({ pushLogs: 0, pushMessages: 0, agendaJobs: 0, eventSnapshots: oldEvents.length - 2 });
    expect(await withSnapshot(oldEvents)).toEqual([]);
    expect(await withSnapshot(recentEvents)).toEqual(sorted(recentEvents));
    expect(await existing('document_record_events', oldEvents)).toEqual(sorted(oldEvents));
  });

  /** Runs `body` while another transaction holds the row lock `mode` on the event `eventId`. */
  async function whileEventLocked(eventId: number, mode: 'for update' | 'for key share', body: () => Promise<void>): Promise<void> {
    const blocker = new pg.Client({ connectionString: app.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query(`select id from document_record_events where id = $1 ${mode}`, [eventId]);
      await body();
    } finally {
      await blocker.query('rollback');
      await blocker.end();
    }
  }

  it('skips a locked event', async () => {
    const [eventId] = await createEvents(1, old);

    await whileEventLocked(eventId, 'for update', async () => {
      const whileLocked = await purgeExpiredRows(em(), { cutoff, batchSize: 2, jobTable: JOB_TABLE });
      expect(whileLocked.eventSnapshots).toBe(0);
      expect(await withSnapshot([eventId])).toEqual([String(eventId)]);
    });
    const afterUnlock = await purgeExpiredRows(em(), { cutoff, batchSize: 2, jobTable: JOB_TABLE });

    expect(afterUnlock.eventSnapshots).toBe(1);
    expect(await withSnapshot([eventId])).toEqual([]);
  });

  // A transaction that inserts a push message of the event holds this lock until it commits.
  it('clears under a key share lock', async () => {
    const [eventId] = await createEvents(1, old);

    await whileEventLocked(eventId, 'for key share', async () => {
      const counts = await purgeExpiredRows(em(), { cutoff, batchSize: 2, jobTable: JOB_TABLE });
      expect(counts.eventSnapshots).toBe(1);
    });

    expect(await withSnapshot([eventId])).toEqual([]);
  });
});

describe('delivery after the snapshot is cleared', () => {
  let app: TestApp;
  let seeded: SeededWorkspace;
  let listener: TestListener;

  // The first attempt is held while the test changes the record, so it must not time out meanwhile.
  beforeAll(async () => {
    app = await startTestApp({ DOCPUSH_ATTEMPT_TIMEOUT: '20s' });
    seeded = await seedWorkspace(app);
    listener = await startListener();
  });

  afterAll(async () => {
    await listener?.close();
    await app?.stop();
  });

  const em = () => app.app.services.orm.em.fork();

  async function rename(recordId: number, name: string): Promise<void> {
    const fork = em();
    const record = await fork.findOneOrFail(DocumentRecord, recordId);
    record.name = name;
    await fork.flush();
  }

  /** Returns the documentRecord of each request the listener received for `messageId`, in order. */
  function pushedRecords(messageId: string): Array<Record<string, unknown>> {
    return listener.requests
      .filter((request) => request.headers['webhook-id'] === messageId)
      .map((request) => (JSON.parse(request.body) as { documentRecord: Record<string, unknown> }).documentRecord);
  }

  it('pushes the current record afterwards', async () => {
    await createEnabledConnection(app, { url: listener.url });
    const record = await seedRecord(app, seeded, { name: 'Lease, draft 1' });
    let answerHeldAttempt: () => void = () => undefined;
    const heldAttemptArrived = new Promise<void>((resolve) => {
      listener.respondWith((_request, response) => {
        answerHeldAttempt = () => {
          response.writeHead(500);
          response.end('try again');
        };
        resolve();
      });
    });
    const { eventId, messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    const [messageId] = messageIds;
    await heldAttemptArrived;

    await rename(record.id, 'Lease, draft 2');
    await em().execute(`update document_record_events set created_at = now() - interval '31 days' where id = ?`, [eventId]);
    const counts = await purgeExpiredRows(em(), { cutoff: new Date(Date.now() - 30 * DAY_MS), batchSize: 10, jobTable: null });

    listener.respondWith((_request, response) => {
      response.writeHead(200);
      response.end();
    });
    answerHeldAttempt();
    await waitForMessageState(app, messageId, 'SUCCEEDED');

    await rename(record.id, 'Lease, draft 3');
    dataOf(await app.request(ResendPushMessageDocument, { id: messageId }));
    await waitFor(() => pushedRecords(messageId).length === 3, { timeoutMs: WAIT_TIMEOUT_MS, description: 'the resent attempt' });

    expect(counts.eventSnapshots).toBe(1);
    const [first, retry, resent] = pushedRecords(messageId);
    expect(first).toMatchObject({ id: record.id, name: 'Lease, draft 1' });
    expect(retry).toMatchObject({ id: record.id, name: 'Lease, draft 2' });
    expect(resent).toMatchObject({ id: record.id, name: 'Lease, draft 3' });
  });
});

describe('retention job in a worker', () => {
  let app: TestApp;
  let seeded: SeededWorkspace;
  let listener: TestListener;
  const logLines: string[] = [];

  beforeAll(async () => {
    const logger = pino({ level: 'info' }, { write: (line: string) => logLines.push(line) });
    // The retention must outlast the retries: one 200 ms delay plus two attempts of at most 1 s.
    app = await startTestApp(
      {
        DOCPUSH_LOG_RETENTION: '3s',
        DOCPUSH_RETRY_SCHEDULE: '200ms',
        DOCPUSH_ATTEMPT_TIMEOUT: '1s',
        DOCPUSH_RETENTION_INTERVAL: '300ms',
        DOCPUSH_JOB_POLL_INTERVAL: '300ms',
      },
      { logger },
    );
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

  it('clears an expired snapshot', async () => {
    const record = await seedRecord(app, seeded);
    const { eventId } = await recordEvent(app, record, DocumentRecordEventType.DocumentDownload, seeded.author);
    const em = () => app.app.services.orm.em.fork();
    const snapshotCleared = async () => {
      const rows: Array<{ cleared: boolean }> = await em().execute(`select record_snapshot is null as cleared from document_record_events where id = ?`, [eventId]);
      return rows[0].cleared;
    };

    // The job logs its counts after its last statement commits, so the log line may come a moment later.
    const loggedClearedSnapshots = () =>
      logLines
        .map((line) => JSON.parse(line) as { msg: string; eventSnapshots?: number })
        .some((line) => line.msg === 'purged rows and cleared event snapshots older than the retention period' && (line.eventSnapshots ?? 0) >= 1);

    await waitFor(snapshotCleared, { timeoutMs: WAIT_TIMEOUT_MS, description: `the retention job to clear the snapshot of event ${eventId}` });
    await waitFor(loggedClearedSnapshots, { timeoutMs: WAIT_TIMEOUT_MS, description: 'a purge log line with eventSnapshots of at least 1' });
  });
});

// The clearing runs every retention interval over a timeline that only grows, so it must read the
// events that still keep a snapshot through the partial index, not the whole table.
describe('snapshot clearing plan on a long timeline', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ DOCPUSH_ROLE: 'api' });
    const seeded = await seedWorkspace(app);
    const record = await seedRecord(app, seeded);
    const { eventId } = await recordEvent(app, record, DocumentRecordEventType.DocumentDownload, seeded.author);
    // Events older than the retention period whose snapshots earlier runs cleared, the period's
    // events with their snapshots, and the few that expired since the last run.
    await copyEvent(eventId, 6_000, `now() - interval '31 days' - n * interval '1 minute'`, false);
    await copyEvent(eventId, 3_000, `now() - n * interval '5 minutes'`, true);
    await copyEvent(eventId, 20, `now() - interval '30 days 1 hour' + n * interval '1 minute'`, true);
    await app.app.services.orm.em.fork().execute('analyze document_record_events');
  });

  afterAll(async () => {
    await app?.stop();
  });

  /** Inserts `count` copies of the event, created at `createdAtSql` (an SQL expression of the copy's number `n`). */
  async function copyEvent(eventId: number, count: number, createdAtSql: string, withSnapshot: boolean): Promise<void> {
    await app.app.services.orm.em.fork().execute(
      `insert into document_record_events (workspace_id, document_record_id, type, author_id, parameters, created_at, record_snapshot)
       select e.workspace_id, e.document_record_id, e.type, e.author_id, e.parameters, ${createdAtSql},
              case when ? then e.record_snapshot end
         from document_record_events e, generate_series(1, ?) n
        where e.id = ?`,
      [withSnapshot, count, eventId],
    );
  }

  /**
   * Returns each scan in the plan of `sql` as its type and the index or table it reads, such as
   * "Index Scan on document_record_events_pkey" or "Seq Scan on document_record_events".
   */
  async function scansOf(sql: string, params: unknown[]): Promise<string[]> {
    const rows = await app.app.services.orm.em.fork().execute<Array<{ 'QUERY PLAN': unknown }>>(`explain (format json) ${sql}`, params);
    const scans: string[] = [];
    const visit = (node: Record<string, unknown>): void => {
      const source = node['Index Name'] ?? node['Relation Name'];
      if (source !== undefined && String(node['Node Type']).includes('Scan')) scans.push(`${node['Node Type']} on ${source}`);
      for (const child of (node.Plans as Array<Record<string, unknown>> | undefined) ?? []) visit(child);
    };
    const plan = rows[0]['QUERY PLAN'];
    const documents = (typeof plan === 'string' ? JSON.parse(plan) : plan) as Array<{ Plan: Record<string, unknown> }>;
    visit(documents[0].Plan);
    return scans;
  }

  it('reads through the partial index', async () => {
    const cutoff = new Date(Date.now() - 30 * DAY_MS);

    const scans = await scansOf(CLEAR_EVENT_SNAPSHOTS_SQL, [cutoff, 1000]);

    expect(scans).toContainEqual(expect.stringMatching(/^(Index|Index Only|Bitmap Index) Scan on document_record_events_snapshot_created_at_index$/));
    expect(scans).not.toContain('Seq Scan on document_record_events');
  });
});
