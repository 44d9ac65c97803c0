import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type ReceivedRequest, type TestListener } from '../support/listener';
import { waitFor } from '../support/wait';
import { validatePushResponse } from '../support/push-response-schema';
import { countRows, expectFieldError, onlyError } from './api-assertions';
import { createEnabledConnection, setUpWorkspaceThroughApi, type ApiWorkspace } from './api-setup';
import { DocumentRecordEvent } from '../../src/records/document-record-event.entity';
import { PushMessage } from '../../src/delivery/push-message.entity';
import { createWorkspace } from '../../src/workspace/workspace.service';
import {
  CreateDocumentDocument,
  CreateDocumentRecordDocument,
  CreateUserDocument,
  DocumentRecordDocument,
  DocumentRecordEventsDocument,
  RecordDocumentEventDocument,
  UpdateDocumentRecordDocument,
  UploadFileDocument,
  type DocumentRecordEventType,
  type RecordDocumentEventInput,
} from '../generated/graphql';

let app: TestApp;
let listener: TestListener;
let ws: ApiWorkspace;

const PUSHED_TYPES: DocumentRecordEventType[] = [
  'SignCompleted',
  'DocumentRecordLocked',
  'DocumentRecordUnlocked',
  'DocumentRecordDeleted',
  'DocumentRecordRestored',
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

async function createRecord() {
  const input = { name: 'Lease 2026', authorId: ws.authorId, templateSuiteId: ws.suiteId, documentRecordTypeId: ws.recordTypeId };
  return dataOf(await app.request(CreateDocumentRecordDocument, { input }, ws.memberKey)).createDocumentRecord;
}

async function recordEvent(input: RecordDocumentEventInput, key = ws.memberKey) {
  return dataOf(await app.request(RecordDocumentEventDocument, { input }, key)).recordDocumentEvent;
}

async function readRecord(id: string) {
  return dataOf(await app.request(DocumentRecordDocument, { id })).documentRecord;
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

describe('recordDocumentEvent', () => {
  it('pushes the stored event after commit', async () => {
    const record = await createRecord();

    const recorded = await recordEvent({ documentRecordId: record.id, type: 'SignCompleted', authorId: ws.ownerId, parameters: { documentVersionId: 5 } });

    expect(recorded.event).toMatchObject({ type: 'SignCompleted', authorId: ws.ownerId, documentRecordId: record.id, parameters: { documentVersionId: 5 } });
    expect(recorded.pushMessageIds).toHaveLength(1);
    expect(recorded.pushMessageIds[0]).toMatch(/^msg_[0-9A-Z]{26}$/);

    const request = await waitForMessage(recorded.pushMessageIds[0]);
    const body = JSON.parse(request.body);
    expect(body.event).toMatchObject({ id: Number(recorded.event.id), type: 'SignCompleted', authorId: Number(ws.ownerId), parameters: { documentVersionId: 5 } });
    expect(body.documentRecord).toMatchObject({ id: Number(record.id), code: record.code, templateSuiteId: Number(ws.suiteId) });
    expect(validatePushResponse(body)).toEqual({ valid: true, errors: [] });

    const events = dataOf(await app.request(DocumentRecordEventsDocument, { documentRecordId: record.id }, ws.memberKey)).documentRecordEvents;
    expect(events.edges.map((edge) => edge.node.id)).toEqual([recorded.event.id, expect.any(String)]);
  });

  it('returns no ids without a matching connection', async () => {
    const record = await createRecord();
    const before = await countStored();

    const recorded = await recordEvent({ documentRecordId: record.id, type: 'FileDownload', authorId: ws.authorId });

    expect(recorded.pushMessageIds).toEqual([]);
    expect(await countStored()).toEqual({ events: before.events + 1, messages: before.messages });
  });

  it('stores a system event without author', async () => {
    const record = await createRecord();

    const recorded = await recordEvent({ documentRecordId: record.id, type: 'DateExpiration' });

    expect(recorded.event).toMatchObject({ type: 'DateExpiration', authorId: null, parameters: {} });
  });

  it('lets an ADMIN key record events too', async () => {
    const record = await createRecord();

    const recorded = await recordEvent({ documentRecordId: record.id, type: 'DocumentDownload', authorId: ws.authorId }, app.adminKey);

    expect(recorded.event.type).toBe('DocumentDownload');
  });

  const invalidEvents: Array<[string, string, (recordId: string) => RecordDocumentEventInput]> = [
    ['an unknown record', 'documentRecordId', () => ({ documentRecordId: '999999', type: 'SignCompleted' })],
    ['a record id beyond the integer range', 'documentRecordId', () => ({ documentRecordId: '3000000000', type: 'SignCompleted' })],
    ['an unknown record and a malformed author', 'documentRecordId', () => ({ documentRecordId: '999999', type: 'SignCompleted', authorId: 'abc' })],
    ['an unknown author', 'authorId', (id) => ({ documentRecordId: id, type: 'SignCompleted', authorId: '999999' })],
    ['an author id beyond the integer range', 'authorId', (id) => ({ documentRecordId: id, type: 'SignCompleted', authorId: '9007199254740991' })],
    ['a malformed author', 'authorId', (id) => ({ documentRecordId: id, type: 'SignCompleted', authorId: '1e3' })],
    ['parameters over 64 KiB', 'parameters', (id) => ({ documentRecordId: id, type: 'SignCompleted', parameters: { note: 'x'.repeat(70_000) } })],
    ['an unknown new owner', 'parameters.ownerId', (id) => ({ documentRecordId: id, type: 'DocumentOwnerChanged', parameters: { ownerId: 999999 } })],
    ['a new owner id given as text', 'parameters.ownerId', (id) => ({ documentRecordId: id, type: 'DocumentOwnerChanged', parameters: { ownerId: '5' } })],
    ['an owner change without ownerId', 'parameters.ownerId', (id) => ({ documentRecordId: id, type: 'DocumentOwnerChanged', parameters: { note: 'kept' } })],
    ['an owner change with ownerId null', 'parameters.ownerId', (id) => ({ documentRecordId: id, type: 'DocumentOwnerChanged', parameters: { ownerId: null } })],
    ['an owner change without parameters', 'parameters.ownerId', (id) => ({ documentRecordId: id, type: 'DocumentOwnerChanged' })],
  ];

  it.each(invalidEvents)('rejects %s and stores no event or message', async (_case, field, inputFor) => {
    const record = await createRecord();
    const before = await countStored();

    const error = expectFieldError(await app.request(RecordDocumentEventDocument, { input: inputFor(record.id) }, ws.memberKey), field);

    expect(error.message).toContain(field);
    expect(await countStored()).toEqual(before);
    expect((await readRecord(record.id)).ownerId).toBe(record.ownerId);
  });

  it('quotes an unknown new owner as a number', async () => {
    const record = await createRecord();

    const result = await app.request(
      RecordDocumentEventDocument,
      { input: { documentRecordId: record.id, type: 'DocumentOwnerChanged', parameters: { ownerId: 999999 } } },
      ws.memberKey,
    );

    const error = expectFieldError(result, 'parameters.ownerId');
    expect(error.message).toBe('parameters.ownerId 999999 matches no user of this workspace: pass the id of an existing user, or create one first.');
  });

  it.each([
    ['workflowStageId', { workflowStageId: 'approved' }],
    ['shareUserId', { shareUserId: 0 }],
    ['sharePermission', { sharePermission: 'OWNER' }],
    ['fileId', { fileId: 1.5 }],
    ['externalLink', { externalLink: 42 }],
    ['date', { date: 'tomorrow' }],
  ])('rejects parameters.%s of the wrong type', async (key, parameters) => {
    const record = await createRecord();
    const before = await countStored();

    const result = await app.request(RecordDocumentEventDocument, { input: { documentRecordId: record.id, type: 'SignCompleted', parameters } }, ws.memberKey);

    const error = expectFieldError(result, `parameters.${key}`);
    expect(error.message).toContain(JSON.stringify(parameters[key as keyof typeof parameters]));
    expect(await countStored()).toEqual(before);
  });

  it('accepts Legito parameters and null values', async () => {
    const record = await createRecord();
    const parameters = { shareUserId: 7, sharePermission: 'EDIT', date: '2026-08-27T10:56:02+02:00', externalLink: 'https://example.com/', fileId: null, note: 'kept' };

    const recorded = await recordEvent({ documentRecordId: record.id, type: 'DocumentShared', parameters });

    expect(recorded.event.parameters).toEqual(parameters);
  });

  it('rejects an unknown event type', async () => {
    const record = await createRecord();
    const input = { documentRecordId: record.id, type: 'DocumentPrinted' } as unknown as RecordDocumentEventInput;

    const error = onlyError(await app.request(RecordDocumentEventDocument, { input }, ws.memberKey));

    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.message).toContain('DocumentPrinted');
  });

  it('treats an author of another workspace as unknown', async () => {
    const record = await createRecord();
    const other = await createWorkspace(app.app.services.orm.em.fork(), 'Authors elsewhere');
    const stranger = dataOf(await app.request(CreateUserDocument, { input: { name: 'Eva Cizí', email: 'eva@example.com' } }, other.adminKey)).createUser;
    const before = await countStored();

    const result = await app.request(RecordDocumentEventDocument, { input: { documentRecordId: record.id, type: 'SignCompleted', authorId: stranger.id } }, ws.memberKey);

    expectFieldError(result, 'authorId');
    expect(await countStored()).toEqual(before);
  });

  it('treats a record of another workspace as unknown', async () => {
    const record = await createRecord();
    const other = await createWorkspace(app.app.services.orm.em.fork(), 'Other tenant');
    const before = await countStored();

    const result = await app.request(RecordDocumentEventDocument, { input: { documentRecordId: record.id, type: 'SignCompleted' } }, other.adminKey);

    expectFieldError(result, 'documentRecordId');
    expect(await countStored()).toEqual(before);
  });
});

describe('events that change the record', () => {
  it('lock blocks updates until unlock', async () => {
    const record = await createRecord();

    const locked = await recordEvent({ documentRecordId: record.id, type: 'DocumentRecordLocked', authorId: ws.authorId });

    expect((await readRecord(record.id)).locked).toBe(true);
    const pushed = await waitForMessage(locked.pushMessageIds[0]);
    expect(JSON.parse(pushed.body).documentRecord.locked).toBe(true);

    const before = await countStored();
    const rejected = await app.request(UpdateDocumentRecordDocument, { id: record.id, input: { name: 'While locked' } }, ws.memberKey);
    const error = expectFieldError(rejected, 'id', 'CONFLICT');
    expect(error.message).toContain('DocumentRecordUnlocked');
    expect(await countStored()).toEqual(before);

    await recordEvent({ documentRecordId: record.id, type: 'DocumentRecordUnlocked', authorId: ws.authorId });
    const updated = dataOf(await app.request(UpdateDocumentRecordDocument, { id: record.id, input: { name: 'After unlock' } }, ws.memberKey));
    expect(updated.updateDocumentRecord).toMatchObject({ locked: false, name: 'After unlock' });
  });

  it('marks the record deleted and restored', async () => {
    const record = await createRecord();

    await recordEvent({ documentRecordId: record.id, type: 'DocumentRecordDeleted', authorId: ws.authorId });
    expect((await readRecord(record.id)).deleted).toBe(true);

    await recordEvent({ documentRecordId: record.id, type: 'DocumentRecordRestored', authorId: ws.authorId });
    expect((await readRecord(record.id)).deleted).toBe(false);
  });

  it('DocumentOwnerChanged sets the new owner', async () => {
    const record = await createRecord();
    expect(record.ownerId).toBe(ws.authorId);

    await recordEvent({ documentRecordId: record.id, type: 'DocumentOwnerChanged', authorId: ws.authorId, parameters: { ownerId: Number(ws.ownerId) } });

    expect((await readRecord(record.id)).ownerId).toBe(ws.ownerId);
  });
});

describe('DocumentOwnerChanged on a locked record', () => {
  const ownerChange = (recordId: string): RecordDocumentEventInput => ({
    documentRecordId: recordId,
    type: 'DocumentOwnerChanged',
    authorId: ws.authorId,
    parameters: { ownerId: Number(ws.ownerId) },
  });

  it('rejects a new owner until unlock', async () => {
    const record = await createRecord();
    await recordEvent({ documentRecordId: record.id, type: 'DocumentRecordLocked', authorId: ws.authorId });
    const before = await countStored();

    const error = expectFieldError(await app.request(RecordDocumentEventDocument, { input: ownerChange(record.id) }, ws.memberKey), 'documentRecordId', 'CONFLICT');

    expect(error.message).toBe(`Document record ${record.id} is locked: record a DocumentRecordUnlocked event first, then record DocumentOwnerChanged.`);
    expect(await countStored()).toEqual(before);
    expect((await readRecord(record.id)).ownerId).toBe(ws.authorId);

    await recordEvent({ documentRecordId: record.id, type: 'DocumentRecordUnlocked', authorId: ws.authorId });
    await recordEvent(ownerChange(record.id));
    expect((await readRecord(record.id)).ownerId).toBe(ws.ownerId);
  });

  it.each([
    ['missing', {}],
    ['null', { ownerId: null }],
  ])('rejects ownerId %s with BAD_USER_INPUT', async (described, parameters) => {
    const record = await createRecord();
    await recordEvent({ documentRecordId: record.id, type: 'DocumentRecordLocked', authorId: ws.authorId });
    const before = await countStored();
    const input: RecordDocumentEventInput = { documentRecordId: record.id, type: 'DocumentOwnerChanged', authorId: ws.authorId, parameters };

    const error = expectFieldError(await app.request(RecordDocumentEventDocument, { input }, ws.memberKey), 'parameters.ownerId');

    expect(error.message).toBe(
      `parameters.ownerId is ${described}, but a DocumentOwnerChanged event must name the new owner: give the user id as a JSON number, such as {"ownerId": 3}.`,
    );
    expect(await countStored()).toEqual(before);
    expect(await readRecord(record.id)).toMatchObject({ locked: true, ownerId: ws.authorId });
  });
});

describe('deleted record', () => {
  async function createDeletedRecord() {
    const record = await createRecord();
    await recordEvent({ documentRecordId: record.id, type: 'DocumentRecordDeleted', authorId: ws.authorId });
    return record;
  }

  it('rejects updates until restored', async () => {
    const record = await createDeletedRecord();
    const before = await countStored();

    const rejected = await app.request(UpdateDocumentRecordDocument, { id: record.id, input: { name: 'While deleted' } }, ws.memberKey);

    const error = expectFieldError(rejected, 'id', 'CONFLICT');
    expect(error.message).toBe(`Document record ${record.id} is deleted: record a DocumentRecordRestored event first, then update it.`);
    expect(await countStored()).toEqual(before);

    await recordEvent({ documentRecordId: record.id, type: 'DocumentRecordRestored', authorId: ws.authorId });
    const updated = dataOf(await app.request(UpdateDocumentRecordDocument, { id: record.id, input: { name: 'After restore' } }, ws.memberKey));
    expect(updated.updateDocumentRecord).toMatchObject({ deleted: false, name: 'After restore' });
  });

  it('names deletion before the lock', async () => {
    const record = await createRecord();
    await recordEvent({ documentRecordId: record.id, type: 'DocumentRecordLocked', authorId: ws.authorId });
    await recordEvent({ documentRecordId: record.id, type: 'DocumentRecordDeleted', authorId: ws.authorId });

    const rejected = await app.request(UpdateDocumentRecordDocument, { id: record.id, input: { name: 'While deleted' } }, ws.memberKey);

    expect(expectFieldError(rejected, 'id', 'CONFLICT').message).toContain('is deleted');
  });

  const rejectedEvents: Array<[string, (recordId: string) => RecordDocumentEventInput]> = [
    ['SignCompleted', (id) => ({ documentRecordId: id, type: 'SignCompleted', authorId: ws.authorId })],
    ['DateExpiration', (id) => ({ documentRecordId: id, type: 'DateExpiration' })],
    ['DocumentRecordLocked', (id) => ({ documentRecordId: id, type: 'DocumentRecordLocked', authorId: ws.authorId })],
    ['DocumentOwnerChanged', (id) => ({ documentRecordId: id, type: 'DocumentOwnerChanged', parameters: { ownerId: Number(ws.ownerId) } })],
  ];

  it.each(rejectedEvents)('rejects %s and stores nothing', async (type, inputFor) => {
    const record = await createDeletedRecord();
    const before = await countStored();

    const result = await app.request(RecordDocumentEventDocument, { input: inputFor(record.id) }, ws.memberKey);

    const error = expectFieldError(result, 'documentRecordId', 'CONFLICT');
    expect(error.message).toBe(
      `Document record ${record.id} is deleted, so it accepts only DocumentRecordDeleted and DocumentRecordRestored events: ` +
        `record a DocumentRecordRestored event first, then ${type}.`,
    );
    expect(await countStored()).toEqual(before);
    expect(await readRecord(record.id)).toMatchObject({ deleted: true, locked: false, ownerId: ws.authorId });
  });

  it('checks deletion before the author', async () => {
    const record = await createDeletedRecord();

    const result = await app.request(RecordDocumentEventDocument, { input: { documentRecordId: record.id, type: 'SignCompleted', authorId: '999999' } }, ws.memberKey);

    expectFieldError(result, 'documentRecordId', 'CONFLICT');
  });

  it('accepts deletion and restoration events', async () => {
    const record = await createDeletedRecord();

    const again = await recordEvent({ documentRecordId: record.id, type: 'DocumentRecordDeleted', authorId: ws.authorId });
    const restored = await recordEvent({ documentRecordId: record.id, type: 'DocumentRecordRestored', authorId: ws.authorId });

    expect(again.pushMessageIds).toHaveLength(1);
    expect(restored.pushMessageIds).toHaveLength(1);
    expect((await readRecord(record.id)).deleted).toBe(false);
    expect((await recordEvent({ documentRecordId: record.id, type: 'SignCompleted' })).event.type).toBe('SignCompleted');
  });

  it('rejects new documents and files', async () => {
    const record = await createDeletedRecord();
    const before = await countStored();
    const expected = `Document record ${record.id} is deleted: record a DocumentRecordRestored event first, then change its documents and files.`;

    const upload = { documentRecordId: record.id, fileName: 'scan.txt', mimeType: 'text/plain', contentBase64: 'aGk=' };
    const uploadError = expectFieldError(await app.request(UploadFileDocument, { input: upload }, ws.memberKey), 'documentRecordId', 'CONFLICT');
    const content = { title: 'Lease', blocks: [{ kind: 'paragraph' as const, text: 'Rent is due monthly.' }] };
    const document = { documentRecordId: record.id, templateId: ws.templateId, content };
    const documentError = expectFieldError(await app.request(CreateDocumentDocument, { input: document }, ws.memberKey), 'documentRecordId', 'CONFLICT');

    expect(uploadError.message).toBe(expected);
    expect(documentError.message).toBe(expected);
    expect(await countStored()).toEqual(before);
  });
});

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Milliseconds since the epoch in the first 10 characters of a ULID-style message id. */
function timeOfMessageId(id: string): number {
  return [...id.slice(4, 14)].reduce((value, character) => value * 32 + CROCKFORD.indexOf(character), 0);
}

describe('docpush_new_message_id', () => {
  it('creates distinct ids stamped with the current time', async () => {
    const before = Date.now();
    const rows = await app.app.services.orm.em.fork().execute<Array<{ id: string }>>('select docpush_new_message_id() as id from generate_series(1, 2000)');
    const after = Date.now();

    const ids = rows.map((row) => row.id);
    expect(new Set(ids).size).toBe(2000);
    for (const id of ids) expect(id).toMatch(/^msg_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(timeOfMessageId(ids[0])).toBeGreaterThanOrEqual(before - 1000);
    expect(timeOfMessageId(ids[ids.length - 1])).toBeLessThanOrEqual(after + 1000);
  });

  it('uses the whole alphabet in the random part', async () => {
    const rows = await app.app.services.orm.em.fork().execute<Array<{ id: string }>>('select docpush_new_message_id() as id from generate_series(1, 500)');

    const used = new Set(rows.flatMap((row) => [...row.id.slice(14)]));
    expect(used.size).toBe(32);
  });
});
