import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type ReceivedRequest, type TestListener } from '../support/listener';
import { validatePushResponse } from '../support/push-response-schema';
import { waitFor } from '../support/wait';
import { countRows, expectFieldError } from './api-assertions';
import { connectionsMessagedBy, createEnabledConnection, setUpWorkspaceThroughApi, timelineOf, type ApiWorkspace } from './api-setup';
import { DocumentRecordEvent } from '../../src/records/document-record-event.entity';
import { PushMessage } from '../../src/delivery/push-message.entity';
import {
  CreateDocumentRecordDocument,
  DocumentRecordDocument,
  RecordDocumentEventDocument,
  RecordDocumentEventsDocument,
  UpdateDocumentRecordDocument,
  type CreateDocumentRecordInput,
  type RecordDocumentEventInput,
  type UpdateDocumentRecordInput,
} from '../generated/graphql';

// updateDocumentRecord records DocumentOwnerChanged and WorkflowStatusChanged next to
// DocumentRecordUpdated, and recordDocumentEvent rejects a WorkflowStatusChanged event whose
// workflowStageId contradicts the record's stage.

let app: TestApp;
let listener: TestListener;
let ws: ApiWorkspace;
/** Ids of three connections to the listener, each selecting only the event type it is named after. */
let connections: { updated: string; ownerChanged: string; stageChanged: string };

const READY_TO_SIGN = { id: 24, name: 'Ready to sign', position: 2 };
const SIGNED = { id: 25, name: 'Signed', position: 3 };

beforeAll(async () => {
  app = await startTestApp();
  listener = await startListener();
  ws = await setUpWorkspaceThroughApi(app);
  connections = {
    updated: await createEnabledConnection(app, listener.url, ['DocumentRecordUpdated']),
    ownerChanged: await createEnabledConnection(app, listener.url, ['DocumentOwnerChanged']),
    stageChanged: await createEnabledConnection(app, listener.url, ['WorkflowStatusChanged']),
  };
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

/** Waits for the listener to receive a push of the event with this id and returns its parsed body. */
async function waitForPushOf(eventId: string): Promise<Record<string, any>> {
  const isPush = (request: ReceivedRequest) => JSON.parse(request.body).event.id === Number(eventId);
  await waitFor(() => listener.requests.some(isPush), { description: `a push of event ${eventId}` });
  return JSON.parse(listener.requests.find(isPush)!.body);
}

async function countStored() {
  return { events: await countRows(app, DocumentRecordEvent), messages: await countRows(app, PushMessage) };
}

describe('updateDocumentRecord events', () => {
  it('records DocumentOwnerChanged for a new owner', async () => {
    const record = await createRecord();

    const updated = await updateRecord(record.id, { actingUserId: ws.ownerId, ownerId: ws.authorId });

    expect(updated.ownerId).toBe(ws.authorId);
    const [, recordUpdated, ownerChanged, ...rest] = await timelineOf(app, ws, record.id);
    expect(rest).toEqual([]);
    expect(recordUpdated).toMatchObject({ type: 'DocumentRecordUpdated', authorId: ws.ownerId, parameters: {} });
    expect(ownerChanged).toMatchObject({ type: 'DocumentOwnerChanged', authorId: ws.ownerId, parameters: { ownerId: Number(ws.authorId) } });
    expect(await connectionsMessagedBy(app, recordUpdated.id)).toEqual([connections.updated]);
    expect(await connectionsMessagedBy(app, ownerChanged.id)).toEqual([connections.ownerChanged]);

    const body = await waitForPushOf(ownerChanged.id);
    expect(body.eventType).toBe('DocumentOwnerChanged');
    expect(body.event).toMatchObject({ type: 'DocumentOwnerChanged', authorId: Number(ws.ownerId), parameters: { ownerId: Number(ws.authorId) } });
    expect(body.documentRecord.ownerId).toBe(Number(ws.authorId));
    expect(validatePushResponse(body)).toEqual({ valid: true, errors: [] });
  });

  it('records WorkflowStatusChanged for a new stage', async () => {
    const record = await createRecord();

    await updateRecord(record.id, { actingUserId: ws.authorId, workflowStage: SIGNED });

    const [, recordUpdated, stageChanged, ...rest] = await timelineOf(app, ws, record.id);
    expect(rest).toEqual([]);
    expect(recordUpdated).toMatchObject({ type: 'DocumentRecordUpdated', authorId: ws.authorId });
    expect(stageChanged).toMatchObject({ type: 'WorkflowStatusChanged', authorId: ws.authorId, parameters: { workflowStageId: SIGNED.id } });
    expect(await connectionsMessagedBy(app, stageChanged.id)).toEqual([connections.stageChanged]);

    const body = await waitForPushOf(stageChanged.id);
    expect(body.eventType).toBe('WorkflowStatusChanged');
    expect(body.event.parameters).toEqual({ workflowStageId: SIGNED.id });
    expect(body.documentRecord.workflowStage).toMatchObject(SIGNED);
    expect(validatePushResponse(body)).toEqual({ valid: true, errors: [] });
  });

  it('records the events in order', async () => {
    const record = await createRecord();

    await updateRecord(record.id, { name: 'Lease 2026, signed', ownerId: ws.authorId, workflowStage: SIGNED });

    const [, ...events] = await timelineOf(app, ws, record.id);
    expect(events.map((event) => [event.type, event.authorId, event.parameters])).toEqual([
      ['DocumentRecordUpdated', null, {}],
      ['DocumentOwnerChanged', null, { ownerId: Number(ws.authorId) }],
      ['WorkflowStatusChanged', null, { workflowStageId: SIGNED.id }],
    ]);
    const ids = events.map((event) => Number(event.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('names a set and a removed stage', async () => {
    const record = await createRecord({ workflowStage: null });

    await updateRecord(record.id, { workflowStage: READY_TO_SIGN });
    await updateRecord(record.id, { workflowStage: null });
    await updateRecord(record.id, { workflowStage: null });

    const [, ...events] = await timelineOf(app, ws, record.id);
    expect(events.map((event) => [event.type, event.parameters])).toEqual([
      ['DocumentRecordUpdated', {}],
      ['WorkflowStatusChanged', { workflowStageId: READY_TO_SIGN.id }],
      ['DocumentRecordUpdated', {}],
      ['WorkflowStatusChanged', { workflowStageId: null }],
      ['DocumentRecordUpdated', {}],
    ]);
    const removed = await waitForPushOf(events[3].id);
    expect(removed.event.parameters).toEqual({ workflowStageId: null });
    expect(removed.documentRecord).not.toHaveProperty('workflowStage');
    expect(validatePushResponse(removed)).toEqual({ valid: true, errors: [] });
  });

  it.each<[string, () => UpdateDocumentRecordInput]>([
    ['the same owner', () => ({ ownerId: ws.authorId })],
    ['the same stage id with a new name', () => ({ workflowStage: { ...SIGNED, name: 'Signed by both parties' } })],
  ])('records no second event for %s', async (_case, repeat) => {
    const record = await createRecord();
    await updateRecord(record.id, { ownerId: ws.authorId, workflowStage: SIGNED });
    const before = await timelineOf(app, ws, record.id);

    await updateRecord(record.id, repeat());

    const [, ...events] = await timelineOf(app, ws, record.id);
    expect(before.map((event) => event.type)).toEqual(['DocumentRecordCreated', 'DocumentRecordUpdated', 'DocumentOwnerChanged', 'WorkflowStatusChanged']);
    expect(events.slice(before.length - 1).map((event) => event.type)).toEqual(['DocumentRecordUpdated']);
    expect(await connectionsMessagedBy(app, events[events.length - 1].id)).toEqual([connections.updated]);
  });
});

describe('WorkflowStatusChanged events', () => {
  function stageEvent(documentRecordId: string, parameters: Record<string, unknown>): RecordDocumentEventInput {
    return { documentRecordId, type: 'WorkflowStatusChanged', authorId: ws.authorId, parameters };
  }

  const mismatches: Array<[string, CreateDocumentRecordInput['workflowStage'], unknown, string]> = [
    ['another stage id', READY_TO_SIGN, SIGNED.id, `is 25, but document record %s is in workflow stage 24`],
    ['a stage id for a record without a stage', null, SIGNED.id, 'is 25, but document record %s has no workflow stage'],
    ['null for a record with a stage', READY_TO_SIGN, null, 'is null, but document record %s is in workflow stage 24'],
  ];

  it.each(mismatches)('rejects %s and stores nothing', async (_case, workflowStage, workflowStageId, start) => {
    const record = await createRecord({ workflowStage });
    const before = await countStored();

    const result = await app.request(RecordDocumentEventDocument, { input: stageEvent(record.id, { workflowStageId }) }, ws.memberKey);

    const error = expectFieldError(result, 'parameters.workflowStageId', 'CONFLICT');
    expect(error.message).toContain(`parameters.workflowStageId ${start.replace('%s', record.id)}`);
    expect(error.message).toContain('Change the stage with updateDocumentRecord, which records a WorkflowStatusChanged event itself');
    expect(await countStored()).toEqual(before);
  });

  it('names the fix for a record with a stage', async () => {
    const record = await createRecord();

    const result = await app.request(RecordDocumentEventDocument, { input: stageEvent(record.id, { workflowStageId: SIGNED.id }) }, ws.memberKey);

    expect(expectFieldError(result, 'parameters.workflowStageId', 'CONFLICT').message).toBe(
      `parameters.workflowStageId is 25, but document record ${record.id} is in workflow stage 24, and a WorkflowStatusChanged event does not change the stage. ` +
        'Change the stage with updateDocumentRecord, which records a WorkflowStatusChanged event itself, or give workflowStageId 24.',
    );
  });

  it.each<[string, UpdateDocumentRecordInput['workflowStage'], Record<string, unknown>]>([
    ['the new stage id', SIGNED, { workflowStageId: SIGNED.id }],
    ['null for a removed stage', null, { workflowStageId: null }],
    ['no workflowStageId', SIGNED, { note: 'moved by the platform' }],
  ])('accepts %s after a stage change', async (_case, workflowStage, parameters) => {
    const record = await createRecord();
    await updateRecord(record.id, { workflowStage });

    const recorded = dataOf(await app.request(RecordDocumentEventDocument, { input: stageEvent(record.id, parameters) }, ws.memberKey)).recordDocumentEvent;
    const oldStage = await app.request(RecordDocumentEventDocument, { input: stageEvent(record.id, { workflowStageId: READY_TO_SIGN.id }) }, ws.memberKey);

    expect(recorded.event.parameters).toEqual(parameters);
    expect(recorded.pushMessageIds).toHaveLength(1);
    expectFieldError(oldStage, 'parameters.workflowStageId', 'CONFLICT');
    const read = dataOf(await app.request(DocumentRecordDocument, { id: record.id })).documentRecord;
    expect(read.workflowStage?.id ?? null).toBe(workflowStage?.id ?? null);
  });

  it('replays a keyed event after the stage changed', async () => {
    const record = await createRecord();
    const input = { ...stageEvent(record.id, { workflowStageId: READY_TO_SIGN.id }), idempotencyKey: `stage-${record.id}` };
    const first = dataOf(await app.request(RecordDocumentEventDocument, { input }, ws.memberKey)).recordDocumentEvent;
    await updateRecord(record.id, { workflowStage: SIGNED });

    const retry = dataOf(await app.request(RecordDocumentEventDocument, { input }, ws.memberKey)).recordDocumentEvent;
    const newKey = await app.request(RecordDocumentEventDocument, { input: { ...input, idempotencyKey: `stage-${record.id}-again` } }, ws.memberKey);

    expect(retry).toMatchObject({ replayed: true, event: { id: first.event.id } });
    expectFieldError(newKey, 'parameters.workflowStageId', 'CONFLICT');
  });

  it.each<[string, (recordId: string) => RecordDocumentEventInput]>([
    ['events that change no record', (id) => ({ documentRecordId: id, type: 'SignCompleted', authorId: ws.authorId })],
    ['an event that changes its record', (id) => ({ documentRecordId: id, type: 'DocumentRecordLocked', authorId: ws.authorId })],
  ])('names the batch path among %s', async (_case, firstEvent) => {
    const record = await createRecord();
    const before = await countStored();

    const result = await app.request(RecordDocumentEventsDocument, { inputs: [firstEvent(record.id), stageEvent(record.id, { workflowStageId: SIGNED.id })] }, ws.memberKey);

    const error = expectFieldError(result, 'inputs[1].parameters.workflowStageId', 'CONFLICT');
    expect(error.message).toContain(`inputs[1]: parameters.workflowStageId is 25, but document record ${record.id} is in workflow stage 24`);
    expect(error.extensions?.errors).toEqual([{ index: 1, code: 'CONFLICT', field: 'inputs[1].parameters.workflowStageId', message: error.message }]);
    expect(await countStored()).toEqual(before);
    expect(dataOf(await app.request(DocumentRecordDocument, { id: record.id })).documentRecord.locked).toBe(false);
  });

  it.each<[string, (recordId: string) => RecordDocumentEventInput[], string]>([
    ['one event', () => [], 'parameters.workflowStageId'],
    ['a batch after a lock', (id) => [{ documentRecordId: id, type: 'DocumentRecordLocked' }], 'inputs[1].parameters.workflowStageId'],
    ['a batch after a replay', (id) => [{ documentRecordId: id, type: 'SignCompleted', idempotencyKey: `replayed-${id}` }], 'inputs[1].parameters.workflowStageId'],
  ])('rejects a mismatch without author in %s', async (_case, eventsBefore, field) => {
    const record = await createRecord();
    dataOf(await app.request(RecordDocumentEventDocument, { input: { documentRecordId: record.id, type: 'SignCompleted', idempotencyKey: `replayed-${record.id}` } }, ws.memberKey));
    const before = await countStored();
    const systemEvent: RecordDocumentEventInput = { documentRecordId: record.id, type: 'WorkflowStatusChanged', parameters: { workflowStageId: SIGNED.id } };

    const earlier = eventsBefore(record.id);
    const result =
      earlier.length === 0
        ? await app.request(RecordDocumentEventDocument, { input: systemEvent }, ws.memberKey)
        : await app.request(RecordDocumentEventsDocument, { inputs: [...earlier, systemEvent] }, ws.memberKey);

    const error = expectFieldError(result, field, 'CONFLICT');
    expect(error.message).toContain(`parameters.workflowStageId is 25, but document record ${record.id} is in workflow stage 24`);
    expect(await countStored()).toEqual(before);
  });

  it('lists every mismatching event of a batch', async () => {
    const record = await createRecord();
    const bare = await createRecord({ workflowStage: null });
    const inputs = [
      stageEvent(record.id, { workflowStageId: SIGNED.id }),
      stageEvent(record.id, { workflowStageId: READY_TO_SIGN.id }),
      stageEvent(bare.id, { workflowStageId: READY_TO_SIGN.id }),
    ];

    const result = await app.request(RecordDocumentEventsDocument, { inputs }, ws.memberKey);

    const error = expectFieldError(result, 'inputs[0].parameters.workflowStageId', 'CONFLICT');
    const rejected = error.extensions?.errors as Array<{ index: number; field: string }>;
    expect(rejected.map((item) => [item.index, item.field])).toEqual([
      [0, 'inputs[0].parameters.workflowStageId'],
      [2, 'inputs[2].parameters.workflowStageId'],
    ]);
  });
});
