import pg from 'pg';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { waitFor } from '../support/wait';
import { captureLogs } from '../security/security-support';
import { createEnabledConnection, setUpWorkspaceThroughApi } from '../records/api-setup';
import { CreateDocumentRecordDocument, RecordDocumentEventDocument } from '../generated/graphql';
import { SWEEP_JOB } from '../../src/jobs/sweeper.job';
import { QUEUE_VACUUM_JOB } from '../../src/jobs/queue-vacuum.job';

// A maintenance job may run far longer than a delivery's lock lifetime (a VACUUM behind a lock,
// a large purge). Agenda fails a job that outlives its lock, so such a run must not be cut short.

const LOCK_LIFETIME_MS = 600;

let app: TestApp;
let listener: TestListener;
let logs: ReturnType<typeof captureLogs>;

beforeAll(async () => {
  logs = captureLogs();
  listener = await startListener();
  app = await startTestApp(
    {
      DOCPUSH_ATTEMPT_TIMEOUT: '200ms',
      DOCPUSH_JOB_LOCK_LIFETIME: `${LOCK_LIFETIME_MS}ms`,
      DOCPUSH_JOB_POLL_INTERVAL: '200ms',
      DOCPUSH_QUEUE_VACUUM_INTERVAL: '1s',
      DOCPUSH_QUEUE_VACUUM_MIN_DEAD_ROWS: '1',
      // Runs the sweep once at start and then only when a test makes it due.
      DOCPUSH_SWEEP_INTERVAL: '1h',
    },
    { logger: logs.logger },
  );
});

afterAll(async () => {
  await app?.stop();
  await listener?.close();
});

/** Delivers one message, which leaves dead row versions of it in push_messages. */
async function deliverOneMessage(): Promise<void> {
  const ws = await setUpWorkspaceThroughApi(app);
  await createEnabledConnection(app, listener.url, ['FileDownload']);
  const record = dataOf(await app.request(CreateDocumentRecordDocument, { input: { name: 'Vacuum lock', authorId: ws.authorId } }, ws.memberKey)).createDocumentRecord;
  dataOf(await app.request(RecordDocumentEventDocument, { input: { documentRecordId: record.id, type: 'FileDownload' } }, ws.memberKey));
  await listener.waitForRequests(1);
}

/**
 * Reports whether the queue vacuum is waiting for a lock. It queries through the ORM's pool, because
 * a transaction reads one snapshot of pg_stat_activity for its whole duration.
 */
async function vacuumWaitingForLock(): Promise<boolean> {
  const rows = await app.app.services.orm.em.fork().execute<Array<{ waiting: number }>>(
    `select 1 as waiting from pg_stat_activity where datname = current_database() and query ilike 'vacuum%push_messages%' and wait_event_type = 'Lock'`,
  );
  return rows.length > 0;
}

/** Returns when the job named `name` was locked or its lock last renewed, or null when it is not locked. */
async function lockTimeOf(name: string): Promise<Date | null> {
  const rows = await app.app.services.orm.em.fork().execute<Array<{ locked_at: Date | string | null }>>(`select locked_at from agenda_jobs where name = ?`, [name]);
  const lockedAt = rows[0]?.locked_at;
  return lockedAt ? new Date(lockedAt) : null;
}

describe('maintenance job lock lifetime', () => {
  it('lets a vacuum outlive a delivery lock lifetime', async () => {
    const blocker = new pg.Client({ connectionString: app.databaseUrl });
    await blocker.connect();
    try {
      // VACUUM needs this lock mode too, so the queue vacuum job waits while the transaction lasts.
      // Deliveries only take ROW EXCLUSIVE, which does not conflict with it.
      await blocker.query('begin');
      await blocker.query('lock table push_messages in share update exclusive mode');
      await deliverOneMessage();
      await waitFor(() => vacuumWaitingForLock(), { description: 'the queue vacuum to wait for the table lock', timeoutMs: 20_000, intervalMs: 100 });
      // Renewals come every third of the lock lifetime, so after six of them the job has outlived
      // two lifetimes, and Agenda's liveness checks (every half lifetime) have run meanwhile.
      const renewals = new Set<number>();
      await waitFor(
        async () => {
          const lockedAt = await lockTimeOf(QUEUE_VACUUM_JOB);
          if (lockedAt) renewals.add(lockedAt.getTime());
          return renewals.size > 6;
        },
        { description: 'six renewals of the queue vacuum lock', timeoutMs: 20_000, intervalMs: 50 },
      );
      await blocker.query('commit');
    } finally {
      await blocker.end();
    }

    await waitFor(() => logs.text().includes('"msg":"vacuumed push_messages"'), { description: 'the vacuum to finish', timeoutMs: 20_000 });
    expect(logs.text()).not.toContain('canceled, execution took more than');
  });

  it('runs a sweep that a crashed worker left locked', async () => {
    const db = app.app.services.orm.em.fork();
    const lastRunOfSweep = async (): Promise<Date | null> => {
      const rows = await db.execute<Array<{ last_run_at: Date | string | null }>>(`select last_run_at from agenda_jobs where name = ?`, [SWEEP_JOB]);
      const lastRun = rows[0]?.last_run_at;
      return lastRun ? new Date(lastRun) : null;
    };
    await waitFor(async () => (await lastRunOfSweep()) !== null, { description: 'the first sweep', timeoutMs: 20_000 });

    // A worker killed with SIGKILL leaves the job it had locked ahead of its run time as this
    // update does: due, and locked by a process that no longer renews or releases the lock.
    const crashedAt = new Date();
    await db.execute(`update agenda_jobs set locked_at = ?, next_run_at = ? where name = ?`, [crashedAt, crashedAt, SWEEP_JOB]);

    await waitFor(async () => ((await lastRunOfSweep())?.getTime() ?? 0) > crashedAt.getTime(), {
      description: 'another sweep once the lock of the crashed worker expired',
      timeoutMs: 20_000,
      intervalMs: 100,
    });
  });
});
