import { vacuumPushMessages } from '../../src/jobs/queue-vacuum.job';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';
import { startListener, type TestListener } from '../support/listener';
import { createEnabledConnection, setUpWorkspaceThroughApi } from '../records/api-setup';
import { CreateDocumentRecordDocument, RecordDocumentEventDocument } from '../generated/graphql';

let app: TestApp;
let listener: TestListener;

beforeAll(async () => {
  app = await startTestApp();
  listener = await startListener();
});

afterAll(async () => {
  await app?.stop();
  await listener?.close();
});

async function vacuumCount(): Promise<number> {
  const [row] = await app.app.services.orm.em.fork().execute<Array<{ count: string }>>(
    `select vacuum_count + autovacuum_count as count from pg_stat_user_tables where relid = 'push_messages'::regclass`,
  );
  return Number(row.count);
}

/** Copies the message of one recorded event `count` times and cancels the copies, leaving as many dead row versions. */
async function churnMessages(count: number): Promise<void> {
  const ws = await setUpWorkspaceThroughApi(app);
  await createEnabledConnection(app, listener.url, ['FileDownload']);
  const record = dataOf(await app.request(CreateDocumentRecordDocument, { input: { name: 'Vacuum test', authorId: ws.authorId } }, ws.memberKey)).createDocumentRecord;
  const recorded = dataOf(await app.request(RecordDocumentEventDocument, { input: { documentRecordId: record.id, type: 'FileDownload' } }, ws.memberKey)).recordDocumentEvent;

  const em = app.app.services.orm.em.fork();
  await em.execute(
    `insert into push_messages (id, workspace_id, connection_id, event_id, state, created_at, updated_at)
     select docpush_new_message_id(), m.workspace_id, m.connection_id, m.event_id, 'CANCELLED', now(), now()
       from push_messages m, generate_series(1, ?)
      where m.id = ?`,
    [count, recorded.pushMessageIds[0]],
  );
  await em.execute(`update push_messages set updated_at = now() where state = 'CANCELLED'`);
}

describe('vacuumPushMessages', () => {
  it('skips the table below the dead row threshold', async () => {
    const result = await vacuumPushMessages(app.app.services.orm.em.fork(), { minDeadRows: 1_000_000 });

    expect(result.vacuumed).toBe(false);
  });

  it('vacuums the table once dead rows reach the threshold', async () => {
    await churnMessages(2000);
    const before = await vacuumCount();
    // PostgreSQL's statistics count the dead rows once the updating backend has reported them.
    await waitFor(async () => (await vacuumPushMessages(app.app.services.orm.em.fork(), { minDeadRows: 2000 })).vacuumed, {
      description: 'the 2,000 dead rows to reach the statistics and the table to be vacuumed',
      timeoutMs: 20_000,
      intervalMs: 200,
    });

    await waitFor(async () => (await vacuumCount()) > before, { description: 'the VACUUM to appear in pg_stat_user_tables', timeoutMs: 20_000, intervalMs: 200 });
    expect(await vacuumCount()).toBeGreaterThan(before);
  });
});
