import pg from 'pg';
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type ReceivedRequest, type TestListener } from '../support/listener';
import { waitFor } from '../support/wait';
import { countLockWaits } from '../support/test-database';
import { validatePushResponse } from '../support/push-response-schema';
import { countRows, expectFieldError } from './api-assertions';
import { createEnabledConnection, setUpWorkspaceThroughApi, type ApiWorkspace } from './api-setup';
import { DocumentRecordEvent } from '../../src/records/document-record-event.entity';
import { MAX_EVENTS_PER_BATCH } from '../../src/records/document-record-event.service';
import { MAX_PARAMETERS_BYTES } from '../../src/records/record-fields';
import { PushMessage } from '../../src/delivery/push-message.entity';
import { createWorkspace } from '../../src/workspace/workspace.service';
import {
  CreateDocumentRecordDocument,
  DocumentRecordDocument,
  DocumentRecordEventsDocument,
  RecordDocumentEventsDocument,
  type DocumentRecordEventType,
  type RecordDocumentEventInput,
} from '../generated/graphql';

let app: TestApp;
let listener: TestListener;
let ws: ApiWorkspace;

/** Event types that the listener's connection selects; FileDownload and DocumentDownload are left out. */
const PUSHED_TYPES: DocumentRecordEventType[] = [
  'SignCompleted',
  'DocumentRecordUpdated',
  'DocumentRecordLocked',
  'DocumentRecordUnlocked',
  'DocumentOwnerChanged',
];

beforeAll(async () => {
  app = await startTestApp();
  listener = await startListener();
  ws = await setUpWorkspaceThroughApi(app);
  await createEnabledConnection(app, listener.url, PUSHED_TYPES);
});

afterAll(async () => {
  await listener?.close();
  await app?.stop();
});

async function createRecord(name = 'Lease 2026') {
  const input = { name, authorId: ws.authorId, templateSuiteId: ws.suiteId, documentRecordTypeId: ws.recordTypeId };
  return dataOf(await app.request(CreateDocumentRecordDocument, { input }, ws.memberKey)).createDocumentRecord;
}

function sendBatch(inputs: RecordDocumentEventInput[], key: string | null = ws.memberKey) {
  return app.request(RecordDocumentEventsDocument, { inputs }, key);
}

async function recordBatch(inputs: RecordDocumentEventInput[]) {
  return dataOf(await sendBatch(inputs)).recordDocumentEvents;
}

async function readRecord(id: string) {
  return dataOf(await app.request(DocumentRecordDocument, { id })).documentRecord;
}

/** Returns a record's event ids, oldest first. */
async function timelineOf(recordId: string): Promise<string[]> {
  const events = dataOf(await app.request(DocumentRecordEventsDocument, { documentRecordId: recordId, first: 100 }, ws.memberKey)).documentRecordEvents;
  return events.edges.map((edge) => edge.node.id).reverse();
}

/** Reads the record snapshots of events straight from the database, in the order of `eventIds`. */
async function snapshotsOf(eventIds: string[]): Promise<Array<Record<string, unknown>>> {
  const events = await app.app.services.orm.em.fork().find(DocumentRecordEvent, { id: { $in: eventIds.map(Number) } });
  const byId = new Map(events.map((event) => [String(event.id), event.recordSnapshot!]));
  return eventIds.map((id) => byId.get(id)!);
}

/** Waits for the listener to receive the push message with this id (its webhook-id header). */
async function waitForMessage(messageId: string): Promise<ReceivedRequest> {
  const isMessage = (request: ReceivedRequest) => request.headers['webhook-id'] === messageId;
  await waitFor(() => listener.requests.some(isMessage), { description: `push message ${messageId} at the listener` });
  return listener.requests.find(isMessage)!;
}

async function countStored() {
  return { events: await countRows(app, DocumentRecordEvent), messages: await countRows(app, PushMessage) };
}

describe('recordDocumentEvents', () => {
  it('returns results in input order', async () => {
    const lease = await createRecord('Lease');
    const nda = await createRecord('NDA');
    const inputs: RecordDocumentEventInput[] = [
      { documentRecordId: nda.id, type: 'SignCompleted', authorId: ws.authorId, parameters: { documentVersionId: 3 } },
      { documentRecordId: lease.id, type: 'FileDownload', authorId: ws.ownerId, parameters: { fileId: 8 } },
      { documentRecordId: nda.id, type: 'DateExpiration' },
      { documentRecordId: lease.id, type: 'DocumentRecordUpdated', authorId: ws.authorId },
    ];

    const recorded = await recordBatch(inputs);

    expect(recorded.map((result) => result.event)).toEqual([
      expect.objectContaining({ documentRecordId: nda.id, type: 'SignCompleted', authorId: ws.authorId, parameters: { documentVersionId: 3 } }),
      expect.objectContaining({ documentRecordId: lease.id, type: 'FileDownload', authorId: ws.ownerId, parameters: { fileId: 8 } }),
      expect.objectContaining({ documentRecordId: nda.id, type: 'DateExpiration', authorId: null, parameters: {} }),
      expect.objectContaining({ documentRecordId: lease.id, type: 'DocumentRecordUpdated', authorId: ws.authorId, parameters: {} }),
    ]);
    const eventIds = recorded.map((result) => Number(result.event.id));
    expect(eventIds).toEqual([...eventIds].sort((a, b) => a - b));
    expect(new Set(eventIds).size).toBe(4);
    expect(recorded.map((result) => result.pushMessageIds.length)).toEqual([1, 0, 0, 1]);

    expect((await timelineOf(nda.id)).slice(1)).toEqual([recorded[0].event.id, recorded[2].event.id]);
    expect((await timelineOf(lease.id)).slice(1)).toEqual([recorded[1].event.id, recorded[3].event.id]);
  });

  it('delivers the queued messages', async () => {
    const record = await createRecord();
    const types: DocumentRecordEventType[] = ['SignCompleted', 'DocumentRecordUpdated', 'SignCompleted'];

    const recorded = await recordBatch(types.map((type) => ({ documentRecordId: record.id, type, authorId: ws.authorId })));

    for (const [index, result] of recorded.entries()) {
      expect(result.pushMessageIds).toHaveLength(1);
      const body = JSON.parse((await waitForMessage(result.pushMessageIds[0])).body);
      expect(body.eventType).toBe(types[index]);
      expect(body.event).toMatchObject({ id: Number(result.event.id), type: types[index], authorId: Number(ws.authorId) });
      expect(body.documentRecord).toMatchObject({ id: Number(record.id), code: record.code });
      expect(validatePushResponse(body)).toEqual({ valid: true, errors: [] });
    }
    const stored = await app.app.services.orm.em.fork().find(PushMessage, { event: { $in: recorded.map((result) => Number(result.event.id)) } });
    expect(stored.map((message) => message.id).sort()).toEqual(recorded.flatMap((result) => result.pushMessageIds).sort());
  });

  it(`accepts ${MAX_EVENTS_PER_BATCH} events with the largest parameters`, async () => {
    const record = await createRecord();
    // The note fills the parameters up to exactly MAX_PARAMETERS_BYTES as JSON.
    const note = 'x'.repeat(MAX_PARAMETERS_BYTES - JSON.stringify({ note: '' }).length);
    const inputs = Array.from({ length: MAX_EVENTS_PER_BATCH }, () => ({ documentRecordId: record.id, type: 'FileDownload' as const, parameters: { note } }));
    const before = await countStored();

    const recorded = await recordBatch(inputs);

    expect(recorded).toHaveLength(MAX_EVENTS_PER_BATCH);
    expect(recorded.every((result) => (result.event.parameters as { note: string }).note === note)).toBe(true);
    expect(await countStored()).toEqual({ events: before.events + MAX_EVENTS_PER_BATCH, messages: before.messages });
  });

  it('checks the API key', async () => {
    const record = await createRecord();

    const recorded = dataOf(await sendBatch([{ documentRecordId: record.id, type: 'DocumentDownload' }], app.adminKey)).recordDocumentEvents;
    expect(recorded[0].event.type).toBe('DocumentDownload');

    const rejected = await sendBatch([{ documentRecordId: record.id, type: 'DocumentDownload' }], null);
    expect(rejected.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('recordDocumentEvents with a rejected event', () => {
  it('stores nothing on a failure', async () => {
    const record = await createRecord();
    const before = await countStored();

    const result = await sendBatch([
      { documentRecordId: record.id, type: 'DocumentRecordLocked', authorId: ws.authorId },
      { documentRecordId: record.id, type: 'SignCompleted', authorId: ws.authorId },
      { documentRecordId: record.id, type: 'SignCompleted', authorId: '999999' },
      { documentRecordId: record.id, type: 'SignCompleted' },
    ]);

    const error = expectFieldError(result, 'inputs[2].authorId');
    expect(error.message).toBe('inputs[2]: authorId "999999" matches no user of this workspace: pass the id of an existing user, or create one first.');
    expect(await countStored()).toEqual(before);
    expect((await readRecord(record.id)).locked).toBe(false);
  });

  const invalidItems: Array<[string, string, (recordId: string) => RecordDocumentEventInput]> = [
    ['an unknown record', 'inputs[1].documentRecordId', () => ({ documentRecordId: '999999', type: 'SignCompleted' })],
    ['a malformed record id', 'inputs[1].documentRecordId', () => ({ documentRecordId: 'lease-1', type: 'SignCompleted' })],
    ['an unknown author', 'inputs[1].authorId', (id) => ({ documentRecordId: id, type: 'SignCompleted', authorId: '999999' })],
    ['a date of the wrong type', 'inputs[1].parameters.date', (id) => ({ documentRecordId: id, type: 'DateSigning', parameters: { date: 'tomorrow' } })],
    ['parameters over 64 KiB', 'inputs[1].parameters', (id) => ({ documentRecordId: id, type: 'SignCompleted', parameters: { note: 'x'.repeat(70_000) } })],
    ['an unknown new owner', 'inputs[1].parameters.ownerId', (id) => ({ documentRecordId: id, type: 'DocumentOwnerChanged', parameters: { ownerId: 999999 } })],
    ['an owner change without ownerId', 'inputs[1].parameters.ownerId', (id) => ({ documentRecordId: id, type: 'DocumentOwnerChanged' })],
    ['a NUL character', 'inputs[1].parameters.note', (id) => ({ documentRecordId: id, type: 'SignCompleted', parameters: { note: 'a\u0000b' } })],
  ];

  it.each(invalidItems)('names the item for %s', async (_case, field, inputFor) => {
    const record = await createRecord();
    const before = await countStored();

    const result = await sendBatch([{ documentRecordId: record.id, type: 'SignCompleted' }, inputFor(record.id), { documentRecordId: record.id, type: 'SignCompleted' }]);

    const error = expectFieldError(result, field);
    expect(error.message).toMatch(/^inputs\[1\][:.]/);
    expect(error.message).toContain(field.slice('inputs[1].'.length));
    expect(await countStored()).toEqual(before);
  });

  it('quotes an unknown new owner as a number', async () => {
    const record = await createRecord();

    const result = await sendBatch([{ documentRecordId: record.id, type: 'DocumentOwnerChanged', parameters: { ownerId: 999999 } }]);

    const error = expectFieldError(result, 'inputs[0].parameters.ownerId');
    expect(error.message).toBe('inputs[0]: parameters.ownerId 999999 matches no user of this workspace: pass the id of an existing user, or create one first.');
  });

  it('lists every unknown or deleted reference', async () => {
    const record = await createRecord();
    const deleted = await createRecord('Deleted');
    await recordBatch([{ documentRecordId: deleted.id, type: 'DocumentRecordDeleted' }]);
    const before = await countStored();

    const result = await sendBatch([
      { documentRecordId: record.id, type: 'SignCompleted' },
      { documentRecordId: record.id, type: 'SignCompleted', authorId: '999999' },
      { documentRecordId: '999999', type: 'SignCompleted' },
      { documentRecordId: deleted.id, type: 'SignCompleted' },
    ]);

    const error = expectFieldError(result, 'inputs[1].authorId');
    const messages = [
      'inputs[1]: authorId "999999" matches no user of this workspace: pass the id of an existing user, or create one first.',
      'inputs[2]: documentRecordId "999999" matches no document record of this workspace: pass the id of an existing document record, or create one first.',
      `inputs[3]: Document record ${deleted.id} is deleted, so it accepts only DocumentRecordDeleted and DocumentRecordRestored events: ` +
        'record a DocumentRecordRestored event first, then SignCompleted.',
    ];
    expect(error.message).toBe(`3 of the 4 events were rejected, so no event was stored. ${messages.join(' ')}`);
    expect(error.extensions?.errors).toEqual([
      { index: 1, code: 'BAD_USER_INPUT', field: 'inputs[1].authorId', message: messages[0] },
      { index: 2, code: 'BAD_USER_INPUT', field: 'inputs[2].documentRecordId', message: messages[1] },
      { index: 3, code: 'CONFLICT', field: 'inputs[3].documentRecordId', message: messages[2] },
    ]);
    expect(await countStored()).toEqual(before);
  });

  it('lists every malformed event', async () => {
    const record = await createRecord();
    const before = await countStored();

    const result = await sendBatch([
      { documentRecordId: record.id, type: 'DateSigning', parameters: { date: 'tomorrow' } },
      { documentRecordId: '999999', type: 'SignCompleted' },
      { documentRecordId: 'lease-1', type: 'DocumentRecordLocked' },
    ]);

    const error = expectFieldError(result, 'inputs[0].parameters.date');
    expect(error.message).toMatch(/^2 of the 3 events were rejected, so no event was stored\. inputs\[0\]: parameters\.date .* inputs\[2\]: documentRecordId "lease-1" /);
    expect(error.extensions?.errors).toEqual([
      expect.objectContaining({ index: 0, code: 'BAD_USER_INPUT', field: 'inputs[0].parameters.date' }),
      expect.objectContaining({ index: 2, code: 'BAD_USER_INPUT', field: 'inputs[2].documentRecordId' }),
    ]);
    expect(await countStored()).toEqual(before);
  });

  it('quotes at most 10 rejected events', async () => {
    const inputs = Array.from({ length: 12 }, (_, index) => ({ documentRecordId: `missing-${index}`, type: 'SignCompleted' as const }));

    const error = expectFieldError(await sendBatch(inputs), 'inputs[0].documentRecordId');

    expect(error.message).toMatch(/^12 of the 12 events were rejected, so no event was stored\. /);
    expect(error.message).toContain('inputs[9]: documentRecordId "missing-9"');
    expect(error.message).not.toContain('inputs[10]');
    expect(error.message).toMatch(/ extensions\.errors lists 2 more\.$/);
    expect((error.extensions?.errors as unknown[]).length).toBe(12);
  });

  it('lists the single rejected event', async () => {
    const result = await sendBatch([{ documentRecordId: '999999', type: 'SignCompleted' }]);

    const error = expectFieldError(result, 'inputs[0].documentRecordId');
    expect(error.extensions?.errors).toEqual([{ index: 0, code: 'BAD_USER_INPUT', field: 'inputs[0].documentRecordId', message: error.message }]);
  });

  const earlierRejections: Array<[string, string, (recordId: string) => RecordDocumentEventInput]> = [
    ['an unknown author', 'inputs[1].authorId', (id) => ({ documentRecordId: id, type: 'SignCompleted', authorId: '999999' })],
    ['an unknown author of a record change', 'inputs[1].authorId', (id) => ({ documentRecordId: id, type: 'DocumentRecordUnlocked', authorId: '999999' })],
    ['an unknown new owner', 'inputs[1].parameters.ownerId', (id) => ({ documentRecordId: id, type: 'DocumentOwnerChanged', parameters: { ownerId: 999999 } })],
  ];

  it.each(earlierRejections)('names %s before unknown records', async (_case, field, inputFor) => {
    const record = await createRecord();
    const before = await countStored();

    // The owner change makes the batch run event by event in one transaction.
    const result = await sendBatch([
      { documentRecordId: record.id, type: 'DocumentOwnerChanged', authorId: ws.authorId, parameters: { ownerId: Number(ws.ownerId) } },
      inputFor(record.id),
      { documentRecordId: '999999', type: 'SignCompleted' },
    ]);

    const error = expectFieldError(result, field);
    expect(error.extensions?.errors).toEqual([
      expect.objectContaining({ index: 1, field }),
      expect.objectContaining({ index: 2, code: 'BAD_USER_INPUT', field: 'inputs[2].documentRecordId' }),
    ]);
    expect(await countStored()).toEqual(before);
    expect((await readRecord(record.id)).ownerId).toBe(ws.authorId);
  });

  it('lists every rejection with record changes', async () => {
    const record = await createRecord('Locked in the batch');
    const other = await createRecord('Deletion rejected');
    const before = await countStored();

    // The lock makes the batch run event by event in one transaction.
    const result = await sendBatch([
      { documentRecordId: record.id, type: 'DocumentRecordLocked', authorId: ws.authorId },
      { documentRecordId: record.id, type: 'SignCompleted', authorId: '999999' },
      { documentRecordId: record.id, type: 'DocumentOwnerChanged', parameters: { ownerId: Number(ws.ownerId) } },
      { documentRecordId: '999999', type: 'DocumentRecordUnlocked' },
      { documentRecordId: other.id, type: 'DocumentRecordDeleted', authorId: '999999' },
      { documentRecordId: other.id, type: 'SignCompleted', authorId: ws.authorId },
      { documentRecordId: other.id, type: 'DocumentOwnerChanged', parameters: { ownerId: 999999 } },
    ]);

    const error = expectFieldError(result, 'inputs[1].authorId');
    const messages = [
      'inputs[1]: authorId "999999" matches no user of this workspace: pass the id of an existing user, or create one first.',
      `inputs[2]: Document record ${record.id} is locked: record a DocumentRecordUnlocked event first, then record DocumentOwnerChanged.`,
      'inputs[3]: documentRecordId "999999" matches no document record of this workspace: pass the id of an existing document record, or create one first.',
      'inputs[4]: authorId "999999" matches no user of this workspace: pass the id of an existing user, or create one first.',
      'inputs[6]: parameters.ownerId 999999 matches no user of this workspace: pass the id of an existing user, or create one first.',
    ];
    expect(error.message).toBe(`5 of the 7 events were rejected, so no event was stored. ${messages.join(' ')}`);
    expect(error.extensions?.errors).toEqual([
      { index: 1, code: 'BAD_USER_INPUT', field: 'inputs[1].authorId', message: messages[0] },
      { index: 2, code: 'CONFLICT', field: 'inputs[2].documentRecordId', message: messages[1] },
      { index: 3, code: 'BAD_USER_INPUT', field: 'inputs[3].documentRecordId', message: messages[2] },
      { index: 4, code: 'BAD_USER_INPUT', field: 'inputs[4].authorId', message: messages[3] },
      { index: 6, code: 'BAD_USER_INPUT', field: 'inputs[6].parameters.ownerId', message: messages[4] },
    ]);
    expect(await countStored()).toEqual(before);
    expect(await readRecord(record.id)).toMatchObject({ locked: false, ownerId: ws.authorId });
    expect(await readRecord(other.id)).toMatchObject({ deleted: false, ownerId: ws.authorId });
  });

  it('quotes 10 rejections with record changes', async () => {
    const record = await createRecord();
    const unknownAuthors = Array.from({ length: 12 }, () => ({ documentRecordId: record.id, type: 'SignCompleted' as const, authorId: '999999' }));
    const before = await countStored();

    const result = await sendBatch([{ documentRecordId: record.id, type: 'DocumentRecordLocked' }, ...unknownAuthors]);

    const error = expectFieldError(result, 'inputs[1].authorId');
    expect(error.message).toMatch(/^12 of the 13 events were rejected, so no event was stored\. /);
    expect(error.message).toContain('inputs[10]: authorId "999999"');
    expect(error.message).not.toContain('inputs[11]');
    expect(error.message).toMatch(/ extensions\.errors lists 2 more\.$/);
    expect((error.extensions?.errors as Array<{ index: number }>).map((item) => item.index)).toEqual(Array.from({ length: 12 }, (_, index) => index + 1));
    expect(await countStored()).toEqual(before);
    expect((await readRecord(record.id)).locked).toBe(false);
  });

  it('rejects a new owner after a lock', async () => {
    const record = await createRecord();
    const before = await countStored();

    const result = await sendBatch([
      { documentRecordId: record.id, type: 'DocumentRecordLocked', authorId: ws.authorId },
      { documentRecordId: record.id, type: 'DocumentOwnerChanged', authorId: ws.authorId, parameters: { ownerId: Number(ws.ownerId) } },
    ]);

    const error = expectFieldError(result, 'inputs[1].documentRecordId', 'CONFLICT');
    expect(error.message).toBe(`inputs[1]: Document record ${record.id} is locked: record a DocumentRecordUnlocked event first, then record DocumentOwnerChanged.`);
    expect(await countStored()).toEqual(before);
    expect(await readRecord(record.id)).toMatchObject({ locked: false, ownerId: ws.authorId });
  });

  it('rejects events after a deletion', async () => {
    const record = await createRecord();
    const before = await countStored();

    const result = await sendBatch([
      { documentRecordId: record.id, type: 'DocumentRecordDeleted', authorId: ws.authorId },
      { documentRecordId: record.id, type: 'SignCompleted', authorId: ws.authorId },
    ]);

    const error = expectFieldError(result, 'inputs[1].documentRecordId', 'CONFLICT');
    expect(error.message).toContain(`inputs[1]: Document record ${record.id} is deleted`);
    expect(await countStored()).toEqual(before);
    expect((await readRecord(record.id)).deleted).toBe(false);
  });

  it('keeps the single mutation message', async () => {
    const result = await sendBatch([{ documentRecordId: '999999', type: 'SignCompleted' }]);

    const error = expectFieldError(result, 'inputs[0].documentRecordId');
    expect(error.message).toBe(
      'inputs[0]: documentRecordId "999999" matches no document record of this workspace: pass the id of an existing document record, or create one first.',
    );
  });

  it('rejects a record of another workspace', async () => {
    const record = await createRecord();
    const other = await createWorkspace(app.app.services.orm.em.fork(), 'Other tenant');
    const before = await countStored();

    const result = await sendBatch([{ documentRecordId: record.id, type: 'SignCompleted' }], other.adminKey);

    expectFieldError(result, 'inputs[0].documentRecordId');
    expect(await countStored()).toEqual(before);
  });

  it('rejects mixed own and foreign records', async () => {
    const record = await createRecord();
    const other = await createWorkspace(app.app.services.orm.em.fork(), 'Tenant with a record');
    const foreignInput = { name: 'Foreign', authorId: String(other.defaultApiUser.id) };
    const foreign = dataOf(await app.request(CreateDocumentRecordDocument, { input: foreignInput }, other.adminKey)).createDocumentRecord;
    const before = await countStored();

    const result = await sendBatch([
      { documentRecordId: record.id, type: 'SignCompleted' },
      { documentRecordId: foreign.id, type: 'DocumentRecordLocked' },
    ]);

    expectFieldError(result, 'inputs[1].documentRecordId');
    expect(await countStored()).toEqual(before);
    expect((await readRecord(record.id)).locked).toBe(false);
  });
});

describe('recordDocumentEvents batch size', () => {
  it.each([
    [0, 'inputs has 0 events; one call records 1 to 100. Send at least one event.'],
    [101, 'inputs has 101 events; one call records 1 to 100. Split the events into calls of at most 100, in order.'],
  ])('rejects %i events', async (count, message) => {
    const record = await createRecord();
    const before = await countStored();

    const result = await sendBatch(Array.from({ length: count }, () => ({ documentRecordId: record.id, type: 'SignCompleted' as const })));

    const error = expectFieldError(result, 'inputs');
    expect(error.message).toBe(message);
    expect(await countStored()).toEqual(before);
  });

  it('allows 100 events per call', () => {
    expect(MAX_EVENTS_PER_BATCH).toBe(100);
  });
});

describe('recordDocumentEvents with record changes', () => {
  it('snapshots after earlier changes', async () => {
    const record = await createRecord();

    const recorded = await recordBatch([
      { documentRecordId: record.id, type: 'DocumentRecordUpdated', authorId: ws.authorId },
      { documentRecordId: record.id, type: 'DocumentRecordLocked', authorId: ws.authorId },
      { documentRecordId: record.id, type: 'DocumentRecordUpdated', authorId: ws.authorId },
      { documentRecordId: record.id, type: 'DocumentRecordUnlocked', authorId: ws.authorId },
      { documentRecordId: record.id, type: 'DocumentOwnerChanged', authorId: ws.authorId, parameters: { ownerId: Number(ws.ownerId) } },
      { documentRecordId: record.id, type: 'DocumentRecordUpdated', authorId: ws.authorId },
    ]);

    const snapshots = await snapshotsOf(recorded.map((result) => result.event.id));
    expect(snapshots.map((snapshot) => snapshot.locked)).toEqual([false, true, true, false, false, false]);
    expect(snapshots.map((snapshot) => String(snapshot.owner_id))).toEqual([ws.authorId, ws.authorId, ws.authorId, ws.authorId, ws.ownerId, ws.ownerId]);
    expect(await readRecord(record.id)).toMatchObject({ locked: false, ownerId: ws.ownerId });

    const updatedWhileLocked = JSON.parse((await waitForMessage(recorded[2].pushMessageIds[0])).body);
    expect(updatedWhileLocked.documentRecord.locked).toBe(true);
    expect(updatedWhileLocked.documentRecord.ownerId).toBe(Number(ws.authorId));
  });

  it('applies delete, restore and lock', async () => {
    const record = await createRecord();

    await recordBatch([
      { documentRecordId: record.id, type: 'DocumentRecordDeleted', authorId: ws.authorId },
      { documentRecordId: record.id, type: 'DocumentRecordDeleted', authorId: ws.authorId },
      { documentRecordId: record.id, type: 'DocumentRecordRestored', authorId: ws.authorId },
      { documentRecordId: record.id, type: 'SignCompleted', authorId: ws.authorId },
      { documentRecordId: record.id, type: 'DocumentRecordLocked', authorId: ws.authorId },
    ]);

    expect(await readRecord(record.id)).toMatchObject({ locked: true, deleted: false });
  });
});

describe('concurrent recordDocumentEvents', () => {
  it('succeed in opposite record orders', async () => {
    const first = await createRecord('First');
    const second = await createRecord('Second');
    const alternating = (a: string, b: string): RecordDocumentEventInput[] =>
      Array.from({ length: 40 }, (_, index) => ({ documentRecordId: index % 2 === 0 ? a : b, type: 'DocumentRecordUpdated' as const }));

    const results = await Promise.all([
      sendBatch(alternating(first.id, second.id)),
      sendBatch(alternating(second.id, first.id)),
      sendBatch(alternating(first.id, second.id)),
      sendBatch(alternating(second.id, first.id)),
    ]);

    for (const result of results) expect(result.errors).toBeUndefined();
    const eventIds = results.flatMap((result) => result.data!.recordDocumentEvents.map((recorded) => Number(recorded.event.id)));
    expect(new Set(eventIds).size).toBe(160);
    for (const result of results) {
      const ids = result.data!.recordDocumentEvents.map((recorded) => Number(recorded.event.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    }
    expect(await timelineOf(first.id)).toHaveLength(81);
    expect(await timelineOf(second.id)).toHaveLength(81);
  });

  it('locks records by ascending id', async () => {
    const lower = await createRecord('Lower id');
    const higher = await createRecord('Higher id');
    const holder = new pg.Client({ connectionString: app.databaseUrl });
    const prober = new pg.Client({ connectionString: app.databaseUrl });
    await holder.connect();
    await prober.connect();
    try {
      await holder.query('begin');
      await holder.query('select id from document_records where id = $1 for update', [lower.id]);

      // The batch names the higher id first, but must wait for the lower one before it locks any.
      const batch = sendBatch([
        { documentRecordId: higher.id, type: 'DocumentRecordUpdated' },
        { documentRecordId: lower.id, type: 'DocumentRecordUpdated' },
      ]);
      await waitFor(async () => (await countLockWaits(prober)) > 0, { description: 'the batch to wait for the lower record' });

      await prober.query('begin');
      const higherLock = await prober.query('select id from document_records where id = $1 for update skip locked', [higher.id]);
      await prober.query('rollback');
      expect(higherLock.rows).toHaveLength(1);

      await holder.query('rollback');
      expect((await batch).errors).toBeUndefined();
    } finally {
      await holder.end();
      await prober.end();
    }
  });
});
