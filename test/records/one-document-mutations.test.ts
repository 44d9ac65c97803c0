import pg from 'pg';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { waitFor } from '../support/wait';
import { onlyError } from './api-assertions';
import { connectionsMessagedBy, createEnabledConnection, setUpWorkspaceThroughApi, timelineOf, type ApiWorkspace } from './api-setup';
import {
  CreateDocumentRecordDocument,
  CreatePushConnectionDocument,
  DocumentRecordDocument,
  DocumentsDocument,
  EnablePushConnectionDocument,
  UpdateDocumentRecordDocument,
  type CreateDocumentRecordInput,
  type UpdateDocumentRecordInput,
} from '../generated/graphql';

// The mutations of one GraphQL document run one after another on the request's EntityManager,
// and each mutation's transaction shares its identity map. Another request may change a record
// between two of them. Every mutation that locks the record must then see that change, above all
// a field cleared to null, which MikroORM 6 does not merge into an entity it has loaded.

let app: TestApp;
let listener: TestListener;
let ws: ApiWorkspace;
/** A connection to the listener for DocumentOwnerChanged events of records of any template suite. */
let anySuiteConnection: string;

const READY_TO_SIGN = { id: 24, name: 'Ready to sign' };

/** A document of several mutations of which one waits while the row of the record `blockerId` is locked. */
type BlockedDocument<TResult> = TypedDocumentNode<TResult, Record<string, unknown>>;

beforeAll(async () => {
  app = await startTestApp();
  listener = await startListener();
  ws = await setUpWorkspaceThroughApi(app);
  anySuiteConnection = await createEnabledConnection(app, listener.url, ['DocumentOwnerChanged']);
});

afterAll(async () => {
  await listener?.close();
  await app?.stop();
});

async function createRecord(overrides: Partial<CreateDocumentRecordInput> = {}) {
  const input = { name: 'Lease 2026', authorId: ws.authorId, ownerId: ws.ownerId, workflowStage: READY_TO_SIGN, ...overrides };
  return dataOf(await app.request(CreateDocumentRecordDocument, { input }, ws.memberKey)).createDocumentRecord;
}

async function updateRecord(id: string, input: UpdateDocumentRecordInput) {
  return dataOf(await app.request(UpdateDocumentRecordDocument, { id, input }, ws.memberKey)).updateDocumentRecord;
}

async function readRecord(id: string) {
  return dataOf(await app.request(DocumentRecordDocument, { id }, ws.memberKey)).documentRecord;
}

/** Reports whether a statement on the test database waits for a lock, through the ORM's pool, outside any transaction. */
async function isWaitingForLock(): Promise<boolean> {
  const rows = await app.app.services.orm.em.fork().execute<Array<{ waiting: number }>>(
    `select 1 as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
  );
  return rows.length > 0;
}

/**
 * Sends `document` while another transaction locks the row of a new record, passed as
 * `$blockerId`, so the document's mutation on that record waits. Meanwhile `change` runs as
 * another request, after the mutations before the waiting one have loaded their record.
 */
async function sendAroundChange<TResult>(document: BlockedDocument<TResult>, variables: Record<string, unknown>, change: () => Promise<unknown>) {
  const blocker = await createRecord({ name: 'Blocks a mutation' });
  const holder = new pg.Client({ connectionString: app.databaseUrl });
  await holder.connect();
  try {
    await holder.query('begin');
    await holder.query('select id from document_records where id = $1 for update', [blocker.id]);
    const pending = app.request(document, { ...variables, blockerId: blocker.id }, ws.memberKey);
    await waitFor(() => isWaitingForLock(), { description: 'a mutation to wait for the row lock' });
    await change();
    await holder.query('rollback');
    return await pending;
  } finally {
    await holder.end();
  }
}

describe('mutations of one GraphQL document', () => {
  it('update sees a stage removed meanwhile', async () => {
    const record = await createRecord();
    const document: BlockedDocument<{ restored: { workflowStage: { id: number } | null } }> = parse(`
      mutation ($recordId: ID!, $blockerId: ID!, $stage: WorkflowStageInput!) {
        renamed: updateDocumentRecord(id: $recordId, input: { name: "Lease 2026, renamed" }) { id }
        waited: recordDocumentEvent(input: { documentRecordId: $blockerId, type: SignStarted }) { replayed }
        restored: updateDocumentRecord(id: $recordId, input: { workflowStage: $stage }) { workflowStage { id } }
      }`);

    const result = await sendAroundChange(document, { recordId: record.id, stage: READY_TO_SIGN }, () => updateRecord(record.id, { workflowStage: null }));

    expect(dataOf(result).restored.workflowStage).toEqual({ id: READY_TO_SIGN.id });
    expect((await readRecord(record.id)).workflowStage?.id ?? null).toBe(READY_TO_SIGN.id);
    const events = await timelineOf(app, ws, record.id);
    expect(events.slice(-2).map((event) => [event.type, event.parameters])).toEqual([
      ['DocumentRecordUpdated', {}],
      ['WorkflowStatusChanged', { workflowStageId: READY_TO_SIGN.id }],
    ]);
  });

  it('owner event follows the current suite', async () => {
    const record = await createRecord({ templateSuiteId: ws.suiteId });
    const suiteInput = { name: 'Suite listener', url: listener.url, eventTypes: ['DocumentOwnerChanged' as const], templateSuiteAll: false, templateSuites: [ws.suiteId] };
    const suiteConnection = dataOf(await app.request(CreatePushConnectionDocument, { input: suiteInput })).createPushConnection.id;
    dataOf(await app.request(EnablePushConnectionDocument, { id: suiteConnection }));
    const document: BlockedDocument<{ handedBack: { event: { id: string } } }> = parse(`
      mutation ($recordId: ID!, $blockerId: ID!, $toAuthor: JSONObject!, $toOwner: JSONObject!) {
        handedOver: recordDocumentEvent(input: { documentRecordId: $recordId, type: DocumentOwnerChanged, parameters: $toAuthor }) { replayed }
        waited: recordDocumentEvent(input: { documentRecordId: $blockerId, type: SignStarted }) { replayed }
        handedBack: recordDocumentEvent(input: { documentRecordId: $recordId, type: DocumentOwnerChanged, parameters: $toOwner }) { event { id } }
      }`);
    const variables = { recordId: record.id, toAuthor: { ownerId: Number(ws.authorId) }, toOwner: { ownerId: Number(ws.ownerId) } };

    const result = await sendAroundChange(document, variables, () => updateRecord(record.id, { templateSuiteId: null }));

    expect(await connectionsMessagedBy(app, dataOf(result).handedBack.event.id)).toEqual([anySuiteConnection]);
  });

  it('createDocument sees a suite removed meanwhile', async () => {
    const record = await createRecord({ templateSuiteId: ws.suiteId });
    const document: BlockedDocument<{ created: { id: string } }> = parse(`
      mutation ($recordId: ID!, $blockerId: ID!, $templateId: ID!) {
        renamed: updateDocumentRecord(id: $recordId, input: { name: "Lease 2026, renamed" }) { id }
        waited: recordDocumentEvent(input: { documentRecordId: $blockerId, type: SignStarted }) { replayed }
        created: createDocument(input: {
          documentRecordId: $recordId, templateId: $templateId,
          content: { title: "Lease", blocks: [{ kind: paragraph, text: "Rent is due monthly." }] }
        }) { id }
      }`);

    const result = await sendAroundChange(document, { recordId: record.id, templateId: ws.templateId }, () => updateRecord(record.id, { templateSuiteId: null }));

    const error = onlyError(result);
    expect(error.path).toEqual(['created']);
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.extensions?.field).toBe('templateId');
    expect(error.message).toContain(`document record ${record.id} has no template suite`);
    expect(dataOf(await app.request(DocumentsDocument, { documentRecordId: record.id }, ws.memberKey)).documents).toEqual([]);
  });
});
