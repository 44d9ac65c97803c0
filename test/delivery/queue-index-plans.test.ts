import { BACKLOG_SQL } from '../../src/observability/delivery-backlog';
import { CLAIM_AND_LOAD, claimParams, NEXT_DUE_TIME } from '../../src/delivery/steps/claim-batch.step';
import { FIND_EVENTS_BY_KEY } from '../../src/records/idempotency-key';
import { dataOf, startTestApp, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { createEnabledConnection, setUpWorkspaceThroughApi } from '../records/api-setup';
import { CreateDocumentRecordDocument, RecordDocumentEventDocument } from '../generated/graphql';

// The queries that run on every metrics scrape and every idle dispatcher wake-up must read only
// the unfinished messages, through the partial indexes, however long the delivered history is.

let app: TestApp;
let listener: TestListener;

beforeAll(async () => {
  app = await startTestApp();
  listener = await startListener();
  await seedDeliveredHistory(20_000);
});

afterAll(async () => {
  await app?.stop();
  await listener?.close();
});

/** Copies one recorded message into `delivered` SUCCEEDED rows and a few unfinished ones, then analyzes the table. */
async function seedDeliveredHistory(delivered: number): Promise<void> {
  const ws = await setUpWorkspaceThroughApi(app);
  await createEnabledConnection(app, listener.url, ['FileDownload']);
  const record = dataOf(await app.request(CreateDocumentRecordDocument, { input: { name: 'Plan test', authorId: ws.authorId } }, ws.memberKey)).createDocumentRecord;
  const recorded = dataOf(await app.request(RecordDocumentEventDocument, { input: { documentRecordId: record.id, type: 'FileDownload' } }, ws.memberKey)).recordDocumentEvent;

  const em = app.app.services.orm.em.fork();
  await em.execute(
    `insert into push_messages (id, workspace_id, connection_id, event_id, state, attempts, next_attempt_at, created_at, updated_at)
     select docpush_new_message_id(), m.workspace_id, m.connection_id, m.event_id,
            case when n % 1000 = 0 then 'RETRY_SCHEDULED' when n % 1000 = 1 then 'DELIVERING' else 'SUCCEEDED' end::push_message_state,
            1, case when n % 1000 = 0 then now() + interval '1 hour' end, now(), now()
       from push_messages m, generate_series(1, ?) n
      where m.id = ?`,
    [delivered, recorded.pushMessageIds[0]],
  );
  await em.execute('analyze push_messages');
}

/** Returns the plan nodes of `sql` that read push_messages sequentially. */
async function sequentialScansOfMessages(sql: string): Promise<unknown[]> {
  const rows = await app.app.services.orm.em.fork().execute<Array<{ 'QUERY PLAN': unknown }>>(`explain (format json) ${sql}`);
  const scans: unknown[] = [];
  const visit = (node: Record<string, unknown>): void => {
    if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'push_messages') scans.push(node);
    for (const child of (node.Plans as Array<Record<string, unknown>> | undefined) ?? []) visit(child);
  };
  const plan = rows[0]['QUERY PLAN'];
  const documents = (typeof plan === 'string' ? JSON.parse(plan) : plan) as Array<{ Plan: Record<string, unknown> }>;
  visit(documents[0].Plan);
  return scans;
}

let planStatementCount = 0;

/**
 * Returns the scans of push_messages, such as "Index Scan on push_messages_due_index", in the
 * generic plan of a statement prepared as the workers prepare it. PostgreSQL switches a prepared
 * statement to its generic plan after five executions when that plan seems no worse.
 */
async function genericPlanScansOfMessages(sql: string, params: unknown[]): Promise<Array<{ scan: string; indexCondition: string | null }>> {
  const knexClient = app.app.services.orm.em.getKnex().client;
  const connection = await knexClient.acquireConnection();
  // A name per call, because node-postgres remembers each name that a connection prepared.
  planStatementCount += 1;
  const statementName = `docpush_plan_test_${planStatementCount}`;
  try {
    await connection.query('begin');
    await connection.query('set local plan_cache_mode = force_generic_plan');
    const { rows } = await connection.query({ name: statementName, text: `explain (format json) ${sql}`, values: params });
    await connection.query('rollback');
    const scans: Array<{ scan: string; indexCondition: string | null }> = [];
    const visit = (node: Record<string, unknown>): void => {
      if (node['Relation Name'] === 'push_messages') {
        scans.push({ scan: `${node['Node Type']} on ${node['Index Name'] ?? 'push_messages'}`, indexCondition: (node['Index Cond'] as string | undefined) ?? null });
      }
      for (const child of (node.Plans as Array<Record<string, unknown>> | undefined) ?? []) visit(child);
    };
    visit((rows[0]['QUERY PLAN'] as Array<{ Plan: Record<string, unknown> }>)[0].Plan);
    return scans;
  } finally {
    await connection.query(`deallocate ${statementName}`).catch(() => undefined);
    knexClient.releaseConnection(connection);
  }
}

describe('queue queries on a long delivered history', () => {
  it('reads the backlog metrics from the partial indexes', async () => {
    expect(await sequentialScansOfMessages(BACKLOG_SQL)).toEqual([]);
  });

  it('claims through the due index', async () => {
    const params = claimParams({ limit: 50, connectionConcurrency: 10, staleAfterMs: 60_000, now: new Date() });

    const scans = await genericPlanScansOfMessages(CLAIM_AND_LOAD.text, params);

    expect(scans).toContainEqual({ scan: 'Index Scan on push_messages_due_index', indexCondition: expect.stringContaining('ROW(connection_id, next_attempt_at)') });
    expect(scans.map((node) => node.scan)).not.toContain('Index Scan on push_messages_next_due_index');
    expect(scans.filter((node) => node.scan.startsWith('Seq Scan') || node.scan.startsWith('Bitmap Heap Scan'))).toEqual([]);
  });

  it('finds the next due time from the partial index', async () => {
    const sql = NEXT_DUE_TIME.text.replace('$1', 'now()');

    expect(await sequentialScansOfMessages(sql)).toEqual([]);
  });
});

// A replay of an idempotency key returns the messages of one event. push_messages has no index on
// event_id, because each delivery writes a message row three times, so the replay must find the
// messages through the ids listed on the event row.
describe('idempotency key replay on a long delivered history', () => {
  it('finds the messages by primary key', async () => {
    const params = FIND_EVENTS_BY_KEY.bind({ workspaceId: 1, keys: ['order-7'], parameters: ['{}'] });

    const scans = await genericPlanScansOfMessages(FIND_EVENTS_BY_KEY.text, params);

    expect(scans.length).toBeGreaterThan(0);
    for (const node of scans) expect(node.scan).toMatch(/^Index (Only )?Scan on push_messages_pkey$/);
  });
});
