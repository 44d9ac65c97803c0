import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type TestListener, type ReceivedRequest } from '../support/listener';
import { validatePushResponse } from '../support/push-response-schema';
import { waitFor } from '../support/wait';
import { countRows, expectFieldError, onlyError } from './api-assertions';
import { createEnabledConnection, setUpWorkspaceThroughApi, type ApiWorkspace } from './api-setup';
import { DocumentRecord } from '../../src/records/document-record.entity';
import { DocumentRecordEvent } from '../../src/records/document-record-event.entity';
import { PushMessage } from '../../src/delivery/push-message.entity';
import { createWorkspace } from '../../src/workspace/workspace.service';
import { MAX_PROPERTIES_BYTES } from '../../src/records/record-property';
import { DocumentRecordEventService } from '../../src/records/document-record-event.service';
import { WorkspaceScope } from '../../src/common/workspace-scope';
import { PushMessageService } from '../../src/delivery/push-message.service';
import {
  CreateDocumentRecordDocument,
  DocumentRecordDocument,
  DocumentRecordEventsDocument,
  DocumentRecordsDocument,
  DocumentsDocument,
  FilesDocument,
  UpdateDocumentRecordDocument,
  UploadFileDocument,
  type CreateDocumentRecordInput,
  type UpdateDocumentRecordInput,
} from '../generated/graphql';

let app: TestApp;
let listener: TestListener;
let ws: ApiWorkspace;

beforeAll(async () => {
  app = await startTestApp();
  listener = await startListener();
  ws = await setUpWorkspaceThroughApi(app);
  await createEnabledConnection(app, listener.url, ['DocumentRecordCreated', 'DocumentRecordUpdated']);
});

afterAll(async () => {
  await listener?.close();
  await app?.stop();
});

function fullInput(): CreateDocumentRecordInput {
  return {
    name: 'Service Agreement ACME',
    templateSuiteId: ws.suiteId,
    documentRecordTypeId: ws.recordTypeId,
    authorId: ws.authorId,
    ownerId: ws.ownerId,
    workflowStage: { id: 24, name: 'Ready to sign', position: 2, start: false, color: '#74c078', sign: true },
    properties: [
      { id: 15, name: 'Contract value', type: 'number', value: 1500 },
      { id: 16, name: 'Signing date', type: 'date', value: '2026-01-15T10:00:00+01:00' },
      { id: 17, name: 'Approver', type: 'user', value: 7 },
      { id: 18, name: 'Total', type: 'currency', value: { value: 1500.5, currencyId: 2 }, propertyGroupId: 6, priority: 1 },
    ],
    persons: [{ definition: 'Customer', name: 'ACME s.r.o.', email: 'legal@acme.example' }],
  };
}

/** Builds a list of one textarea property that takes `bytes` bytes as UTF-8 JSON. */
function notesOfJsonSize(bytes: number) {
  const empty = [{ id: 1, name: 'Notes', type: 'textarea', value: '' }];
  const padding = bytes - Buffer.byteLength(JSON.stringify(empty), 'utf8');
  return [{ ...empty[0], value: 'x'.repeat(padding) }];
}

async function createRecord(input: CreateDocumentRecordInput = fullInput()) {
  return dataOf(await app.request(CreateDocumentRecordDocument, { input }, ws.memberKey)).createDocumentRecord;
}

async function countStored() {
  return { records: await countRows(app, DocumentRecord), events: await countRows(app, DocumentRecordEvent), messages: await countRows(app, PushMessage) };
}

async function waitForPush(recordId: string, eventType: string): Promise<ReceivedRequest> {
  const matches = (request: ReceivedRequest) => {
    const body = JSON.parse(request.body);
    return body.documentRecord.id === Number(recordId) && body.eventType === eventType;
  };
  await waitFor(() => listener.requests.some(matches), { description: `a ${eventType} push for record ${recordId}` });
  return listener.requests.find(matches)!;
}

describe('createDocumentRecord', () => {
  it('records DocumentRecordCreated by the author', async () => {
    const record = await createRecord();

    expect(record).toMatchObject({
      name: 'Service Agreement ACME',
      templateSuiteId: ws.suiteId,
      documentRecordTypeId: ws.recordTypeId,
      authorId: ws.authorId,
      ownerId: ws.ownerId,
      locked: false,
      deleted: false,
      properties: fullInput().properties,
      persons: fullInput().persons,
    });
    expect(record.code).toMatch(/^[A-Za-z0-9]{40}$/);
    const unsetStageFields = { workflowRevisionId: null, workflowElementId: null, workflowElementPersistId: null, notify: null, locked: null, share: null, shareExternal: null, download: null };
    expect(record.workflowStage).toEqual({ id: 24, name: 'Ready to sign', position: 2, start: false, color: '#74c078', sign: true, ...unsetStageFields });

    const read = dataOf(await app.request(DocumentRecordDocument, { id: record.id }, ws.memberKey)).documentRecord;
    expect(read.events.totalCount).toBe(1);
    expect(read.events.edges[0].node).toMatchObject({ type: 'DocumentRecordCreated', authorId: ws.authorId, documentRecordId: record.id, parameters: {} });
  });

  it('pushes a valid Legito message', async () => {
    const record = await createRecord();

    const request = await waitForPush(record.id, 'DocumentRecordCreated');

    const body = JSON.parse(request.body);
    expect(body.documentRecord).toMatchObject({ code: record.code, ownerId: Number(ws.ownerId), workflowStage: { id: 24, name: 'Ready to sign' } });
    expect(body.documentRecord.workflowStage).not.toHaveProperty('notify');
    expect(validatePushResponse(body)).toEqual({ valid: true, errors: [] });
  });

  it('pushes no workflowStage when unset', async () => {
    const record = await createRecord({ name: 'No stage', authorId: ws.authorId });

    const body = JSON.parse((await waitForPush(record.id, 'DocumentRecordCreated')).body);

    expect(body.documentRecord).toMatchObject({ templateSuiteId: null, documentRecordTypeId: null });
    expect(body.documentRecord).not.toHaveProperty('workflowStage');
    expect(validatePushResponse(body)).toEqual({ valid: true, errors: [] });
    // Legito's schema accepts null for the two ids but not for the stage.
    const withNullStage = { ...body, documentRecord: { ...body.documentRecord, workflowStage: null } };
    expect(validatePushResponse(withNullStage).valid).toBe(false);
  });

  it('defaults the owner to the author', async () => {
    const record = await createRecord({ name: 'Minimal', authorId: ws.authorId });

    expect(record).toMatchObject({ ownerId: ws.authorId, templateSuiteId: null, documentRecordTypeId: null, workflowStage: null, properties: [], persons: [] });
  });

  const invalidCases: Array<[string, string, Partial<CreateDocumentRecordInput>]> = [
    ['an unknown author', 'authorId', { authorId: '999999' }],
    ['an unknown owner', 'ownerId', { ownerId: '999999' }],
    ['an unknown template suite', 'templateSuiteId', { templateSuiteId: '999999' }],
    ['an unknown record type', 'documentRecordTypeId', { documentRecordTypeId: '999999' }],
    ['a blank name', 'name', { name: '  ' }],
    ['a name over 500 characters', 'name', { name: 'n'.repeat(501) }],
    ['four persons', 'persons', { persons: [{}, {}, {}, {}] }],
    ['a person with a malformed email', 'persons[1].email', { persons: [{ name: 'A' }, { email: 'not-an-email' }] }],
    ['a person name with a line break', 'persons[0].name', { persons: [{ name: 'ACME\nInjected' }] }],
    ['a person name with a line separator', 'persons[0].name', { persons: [{ name: 'ACME\u2028Injected' }] }],
    ['a person definition with a tab', 'persons[0].definition', { persons: [{ definition: 'Cus\ttomer' }] }],
    ['an empty person', 'persons[0]', { persons: [{}] }],
    ['a person of blank texts', 'persons[1]', { persons: [{ name: 'A' }, { definition: ' ', name: '\u200B', email: '' }] }],
    ['a property name with a bell character', 'properties[0].name', { properties: [{ id: 1, name: 'Size\u0007', type: 'text', value: 'x' }] }],
    ['a workflow stage without a name', 'workflowStage.name', { workflowStage: { id: 1, name: '' } }],
    ['a workflow stage id of 0', 'workflowStage.id', { workflowStage: { id: 0, name: 'Draft' } }],
    ['a negative workflow stage position', 'workflowStage.position', { workflowStage: { id: 1, name: 'Draft', position: -1 } }],
    ['a property of an unknown type', 'properties[0].type', { properties: [{ id: 1, name: 'Size', type: 'length', value: 3 }] }],
    ['a number property holding text', 'properties[0].value', { properties: [{ id: 1, name: 'Value', type: 'number', value: 'many' }] }],
    ['a property without a value', 'properties[0].value', { properties: [{ id: 1, name: 'Value', type: 'text' }] }],
    ['a user property holding null', 'properties[0].value', { properties: [{ id: 1, name: 'Approver', type: 'user', value: null }] }],
    ['a property without an id', 'properties[0].id', { properties: [{ name: 'Value', type: 'text', value: 'x' }] }],
    ['two properties with one id', 'properties[1].id', { properties: [{ id: 1, name: 'A', type: 'text', value: 'a' }, { id: 1, name: 'B', type: 'text', value: 'b' }] }],
    ['a property with an unknown key', 'properties[0].colour', { properties: [{ id: 1, name: 'A', type: 'text', value: 'a', colour: 'red' }] }],
    ['a date property holding a bare number', 'properties[0].value', { properties: [{ id: 1, name: 'Signed', type: 'date', value: '1' }] }],
    ['a date property holding words', 'properties[0].value', { properties: [{ id: 1, name: 'Signed', type: 'date', value: 'signed in 2026' }] }],
    ['a date property naming 30 February', 'properties[0].value', { properties: [{ id: 1, name: 'Signed', type: 'date', value: '2026-02-30T10:00:00Z' }] }],
    ['a date list with a day that does not exist', 'properties[0].value', { properties: [{ id: 1, name: 'Dates', type: 'date_list', value: ['2026-04-31'] }] }],
    ['a date property with offset +99:99', 'properties[0].value', { properties: [{ id: 1, name: 'Signed', type: 'date', value: '2026-01-15T10:00:00+99:99' }] }],
    ['properties over 256 KiB as JSON', 'properties', { properties: notesOfJsonSize(MAX_PROPERTIES_BYTES + 1) }],
    ['a text value with 31 combining marks in a row', 'properties[0].value', { properties: [{ id: 1, name: 'Notes', type: 'text', value: `e${'\u0301'.repeat(31)}` }] }],
    ['a checkbox label with 31 combining marks in a row', 'properties[0].value', { properties: [{ id: 1, name: 'Agreed', type: 'checkbox', value: { label: `e${'\u0301'.repeat(31)}` } }] }],
    ['a system value with a long run of combining marks', 'properties[0].value', { properties: [{ id: 1, name: 'Summary', type: 'system', value: { text: [`e${'\u0301'.repeat(20000)}`] } }] }],
  ];

  it('accepts properties of exactly 256 KiB as JSON', async () => {
    const record = await createRecord({ name: 'Long notes', authorId: ws.authorId, properties: notesOfJsonSize(MAX_PROPERTIES_BYTES) });

    expect(Buffer.byteLength(JSON.stringify(record.properties), 'utf8')).toBe(MAX_PROPERTIES_BYTES);
  });

  it.each(invalidCases)('rejects %s and stores nothing', async (_case, field, overrides) => {
    const before = await countStored();

    const error = expectFieldError(await app.request(CreateDocumentRecordDocument, { input: { ...fullInput(), ...overrides } }, ws.memberKey), field);

    expect(error.message).toContain(field);
    expect(await countStored()).toEqual(before);
  });

  it.each([
    ['no fields', {}, 'persons[0] {} is empty'],
    ['blank fields', { name: '  ', email: '' }, 'persons[0] {"name":"  ","email":""} is empty'],
    ['a long blank name', { name: ' '.repeat(5000) }, `persons[0] {"name":"${' '.repeat(91)}… is empty`],
  ])('quotes an empty person with %s', async (_case, person, start) => {
    const result = await app.request(CreateDocumentRecordDocument, { input: { name: 'Empty person', authorId: ws.authorId, persons: [person] } }, ws.memberKey);

    const error = expectFieldError(result, 'persons[0]');
    expect(error.message).toBe(`${start}: give at least one of definition, name and email, or remove the entry from persons.`);
  });

  it.each([
    ['id', { name: 'Value', type: 'text', value: 'x' }, 'properties[0].id is missing: give the property a positive integer id, unique within the record, such as 1.'],
    ['name', { id: 1, type: 'text', value: 'x' }, 'properties[0].name is missing: give a name of 1 to 200 characters.'],
    ['type', { id: 1, name: 'Value', value: 'x' }, 'properties[0].type is missing: use one of system, text, textarea, date,'],
  ])('names a property without its %s', async (key, property, start) => {
    const result = await app.request(CreateDocumentRecordDocument, { input: { name: 'Incomplete', authorId: ws.authorId, properties: [property] } }, ws.memberKey);

    const error = expectFieldError(result, `properties[0].${key}`);
    expect(error.message.startsWith(start)).toBe(true);
    expect(error.message).not.toContain('undefined');
  });

  it('bounds the stage position at 0', async () => {
    const input = (position: number) => ({ name: 'Staged', authorId: ws.authorId, workflowStage: { id: 1, name: 'Draft', position } });

    const first = await createRecord(input(0));
    const result = await app.request(CreateDocumentRecordDocument, { input: input(-1) }, ws.memberKey);

    expect(first.workflowStage).toMatchObject({ id: 1, position: 0 });
    const error = expectFieldError(result, 'workflowStage.position');
    expect(error.message).toBe("workflowStage.position is -1: give the stage's place in the stage list as 0 or more, or omit it.");
  });
});

describe('updateDocumentRecord', () => {
  it('records DocumentRecordUpdated by the acting user', async () => {
    const record = await createRecord();

    const input: UpdateDocumentRecordInput = { actingUserId: ws.ownerId, name: 'Renamed', ownerId: ws.authorId, persons: [] };
    const updated = dataOf(await app.request(UpdateDocumentRecordDocument, { id: record.id, input }, ws.memberKey)).updateDocumentRecord;

    expect(updated).toMatchObject({ id: record.id, code: record.code, name: 'Renamed', ownerId: ws.authorId, persons: [], properties: record.properties });
    expect(Date.parse(updated.lastModified)).toBeGreaterThanOrEqual(Date.parse(record.lastModified));
    const events = dataOf(await app.request(DocumentRecordEventsDocument, { documentRecordId: record.id })).documentRecordEvents;
    expect(events.edges.map((edge) => [edge.node.type, edge.node.authorId])).toEqual([
      ['DocumentOwnerChanged', ws.ownerId],
      ['DocumentRecordUpdated', ws.ownerId],
      ['DocumentRecordCreated', ws.authorId],
    ]);
    const pushed = JSON.parse((await waitForPush(record.id, 'DocumentRecordUpdated')).body);
    expect(pushed.documentRecord.name).toBe('Renamed');
  });

  it('clears optional links with null', async () => {
    const record = await createRecord();

    const input = { templateSuiteId: null, documentRecordTypeId: null, workflowStage: null };
    const updated = dataOf(await app.request(UpdateDocumentRecordDocument, { id: record.id, input })).updateDocumentRecord;

    expect(updated).toMatchObject({ templateSuiteId: null, documentRecordTypeId: null, workflowStage: null, name: record.name });
    const events = dataOf(await app.request(DocumentRecordEventsDocument, { documentRecordId: record.id, first: 2 })).documentRecordEvents;
    expect(events.edges.map((edge) => [edge.node.type, edge.node.authorId, edge.node.parameters])).toEqual([
      ['WorkflowStatusChanged', null, { workflowStageId: null }],
      ['DocumentRecordUpdated', null, {}],
    ]);
  });

  it('accepts a stored negative stage position sent back', async () => {
    const record = await createRecord();
    // A position that earlier builds accepted, written past the API.
    const em = app.app.services.orm.em.fork();
    const stored = await em.findOneOrFail(DocumentRecord, Number(record.id));
    stored.workflowStage = { id: 24, name: 'Ready to sign', position: -1 };
    await em.flush();
    const update = (input: UpdateDocumentRecordInput) => app.request(UpdateDocumentRecordDocument, { id: record.id, input });

    const resent = await update({ name: 'Renamed', workflowStage: { id: 24, name: 'Ready to sign', position: -1 } });
    const changed = await update({ workflowStage: { id: 24, name: 'Ready to sign', position: -2 } });
    const otherStage = await update({ workflowStage: { id: 25, name: 'Signed', position: -1 } });

    expect(resent.errors).toBeUndefined();
    expect(dataOf(resent).updateDocumentRecord).toMatchObject({ name: 'Renamed', workflowStage: { id: 24, position: -1 } });
    expectFieldError(changed, 'workflowStage.position');
    expectFieldError(otherStage, 'workflowStage.position');
  });

  const invalidUpdates: Array<[string, string, UpdateDocumentRecordInput]> = [
    ['no change', 'input', { actingUserId: '1' }],
    ['only null for fields that cannot be cleared', 'input', { name: null, ownerId: null }],
    ['an unknown acting user', 'actingUserId', { actingUserId: '999999', name: 'X' }],
    ['an unknown owner', 'ownerId', { ownerId: '999999' }],
    ['an unknown template suite', 'templateSuiteId', { templateSuiteId: '999999' }],
    ['an unknown record type', 'documentRecordTypeId', { documentRecordTypeId: '999999' }],
    ['four persons', 'persons', { persons: [{}, {}, {}, {}] }],
    ['an empty person', 'persons[0]', { persons: [{}] }],
    ['a person of null fields', 'persons[2]', { persons: [{ name: 'A' }, { email: 'b@example.com' }, { definition: null, name: null }] }],
    ['a negative workflow stage position', 'workflowStage.position', { workflowStage: { id: 25, name: 'Signed', position: -3 } }],
    ['a text property holding a number', 'properties[0].value', { properties: [{ id: 1, name: 'Note', type: 'text', value: 5 }] }],
    ['properties over 256 KiB as JSON', 'properties', { properties: notesOfJsonSize(MAX_PROPERTIES_BYTES + 1) }],
    ['a text value with 31 combining marks in a row', 'properties[0].value', { properties: [{ id: 1, name: 'Notes', type: 'text', value: `e${'\u0301'.repeat(31)}` }] }],
  ];

  it.each(invalidUpdates)('rejects %s and changes nothing', async (_case, field, input) => {
    const record = await createRecord();
    const before = await countStored();

    expectFieldError(await app.request(UpdateDocumentRecordDocument, { id: record.id, input }, ws.memberKey), field);

    expect(await countStored()).toEqual(before);
    const read = dataOf(await app.request(DocumentRecordDocument, { id: record.id })).documentRecord;
    expect({ ...read, events: undefined }).toEqual({ ...record, events: undefined });
  });

  it('reports an unknown record as NOT_FOUND', async () => {
    expectFieldError(await app.request(UpdateDocumentRecordDocument, { id: '999999', input: { name: 'X' } }), 'id', 'NOT_FOUND');
    expectFieldError(await app.request(DocumentRecordDocument, { id: '999999' }), 'id', 'NOT_FOUND');
    const eventsError = expectFieldError(await app.request(DocumentRecordEventsDocument, { documentRecordId: '999999' }), 'documentRecordId', 'NOT_FOUND');
    expect(eventsError.message).toBe(
      'Document record "999999" was not found in this workspace: check documentRecordId, or list its document records with the documentRecords query.',
    );
  });
});

describe('record ids in other forms', () => {
  it.each([
    ['hexadecimal', (id: number) => `0x${id.toString(16)}`],
    ['a leading zero', (id: number) => `0${id}`],
    ['a leading space', (id: number) => ` ${id}`],
    ['an exponent', (id: number) => `${id}e0`],
  ])('treats %s as unknown', async (_form, write) => {
    const record = await createRecord({ name: 'Loose id', authorId: ws.authorId });
    const loose = write(Number(record.id));
    const before = await countStored();

    expectFieldError(await app.request(UpdateDocumentRecordDocument, { id: loose, input: { name: 'X' } }), 'id', 'NOT_FOUND');
    expectFieldError(await app.request(DocumentRecordEventsDocument, { documentRecordId: loose }), 'documentRecordId', 'NOT_FOUND');
    expectFieldError(await app.request(DocumentsDocument, { documentRecordId: loose }), 'documentRecordId', 'NOT_FOUND');
    expectFieldError(await app.request(FilesDocument, { documentRecordId: loose }), 'documentRecordId', 'NOT_FOUND');
    const upload = { documentRecordId: loose, fileName: 'a.txt', mimeType: 'text/plain', contentBase64: 'aGk=' };
    expectFieldError(await app.request(UploadFileDocument, { input: upload }), 'documentRecordId');
    expect(await countStored()).toEqual(before);
  });
});

describe('long ids', () => {
  const longId = '9'.repeat(100_000);
  const quoted = `"${'9'.repeat(100)}…"`;

  it('are quoted only in part when not found', async () => {
    const error = expectFieldError(await app.request(UpdateDocumentRecordDocument, { id: longId, input: { name: 'X' } }), 'id', 'NOT_FOUND');

    expect(error.message).toContain(quoted);
    expect(error.message.length).toBeLessThan(300);
  });

  it('are quoted only in part when a reference is unknown', async () => {
    const error = expectFieldError(await app.request(CreateDocumentRecordDocument, { input: { name: 'Long author id', authorId: longId } }), 'authorId');

    expect(error.message).toContain(quoted);
    expect(error.message.length).toBeLessThan(300);
  });

  it('are quoted only in part when an upload names an unknown record', async () => {
    const upload = { documentRecordId: longId, fileName: 'a.txt', mimeType: 'text/plain', contentBase64: 'aGk=' };
    const error = expectFieldError(await app.request(UploadFileDocument, { input: upload }), 'documentRecordId');

    expect(error.message).toContain(quoted);
    expect(error.message.length).toBeLessThan(300);
  });
});

describe('listing records and events', () => {
  it('pages records newest first', async () => {
    for (let i = 0; i < 3; i += 1) await createRecord({ name: `Paged ${i}`, authorId: ws.authorId });
    const total = await countRows(app, DocumentRecord);

    const first = dataOf(await app.request(DocumentRecordsDocument, { first: 2 }, ws.memberKey)).documentRecords;
    const rest = dataOf(await app.request(DocumentRecordsDocument, { first: 50, after: first.pageInfo.endCursor }, ws.memberKey)).documentRecords;

    expect(first.totalCount).toBe(total);
    expect(first.edges.map((edge) => edge.node.name)).toEqual(['Paged 2', 'Paged 1']);
    expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges[1].cursor });
    expect(rest.edges[0].node.name).toBe('Paged 0');
    expect(rest.pageInfo.hasNextPage).toBe(false);
    expect(first.edges.length + rest.edges.length).toBe(total);
  });

  it('pages the events of one record', async () => {
    const record = await createRecord();
    for (const name of ['One', 'Two']) dataOf(await app.request(UpdateDocumentRecordDocument, { id: record.id, input: { name } }));

    const page1 = dataOf(await app.request(DocumentRecordEventsDocument, { documentRecordId: record.id, first: 2 })).documentRecordEvents;
    const page2 = dataOf(await app.request(DocumentRecordEventsDocument, { documentRecordId: record.id, first: 2, after: page1.pageInfo.endCursor })).documentRecordEvents;

    expect(page1.totalCount).toBe(3);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    expect(page1.edges.map((edge) => edge.node.type)).toEqual(['DocumentRecordUpdated', 'DocumentRecordUpdated']);
    expect(page2.edges.map((edge) => edge.node.type)).toEqual(['DocumentRecordCreated']);
    expect(page2.pageInfo).toEqual({ hasNextPage: false, endCursor: page2.edges[0].cursor });
    expect([...page1.edges, ...page2.edges].every((edge) => edge.node.documentRecordId === record.id)).toBe(true);
  });

  /** Returns a scope of the workspace that owns the record, as a request of that workspace has it. */
  async function scopeOfRecord(recordId: string): Promise<WorkspaceScope> {
    const record = await app.app.services.orm.em.fork().findOneOrFail(DocumentRecord, Number(recordId));
    return new WorkspaceScope(app.app.services.orm.em.fork(), record.workspace.id);
  }

  /** Returns the record snapshot of a loaded event, or null when it was not read; the loaded type may leave the property out. */
  const snapshotOf = (event: object) => (event as Partial<DocumentRecordEvent>).recordSnapshot ?? null;

  it('loads no record snapshots for a page of events', async () => {
    const record = await createRecord();
    const service = new DocumentRecordEventService(await scopeOfRecord(record.id), app.app.services.logger);

    const page = await service.list(record.id, 10);

    expect(page.edges).toHaveLength(1);
    expect(snapshotOf(page.edges[0].node)).toBeNull();
  });

  it('loads no record snapshots for push messages', async () => {
    const record = await createRecord();
    const { deliveryQueue, config } = app.app.services;
    const service = new PushMessageService(await scopeOfRecord(record.id), { queue: deliveryQueue, staleAfterMs: config.jobs.lockLifetimeMs });

    const page = await service.list({}, 100);
    const newest = await service.get(page.edges[0].node.id);

    expect(page.edges.length).toBeGreaterThan(0);
    expect(page.edges.map((edge) => snapshotOf(edge.node.event))).toEqual(page.edges.map(() => null));
    expect(snapshotOf(newest.event)).toBeNull();
  });

  it('rejects page sizes above 100', async () => {
    expectFieldError(await app.request(DocumentRecordsDocument, { first: 101 }), 'first');
    const record = await createRecord({ name: 'Events page size', authorId: ws.authorId });
    expectFieldError(await app.request(DocumentRecordEventsDocument, { documentRecordId: record.id, first: 101 }), 'first');
    const nested = await app.request(DocumentRecordDocument, { id: record.id, eventsFirst: 101 });
    expect(onlyError(nested).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('hides records of another workspace', async () => {
    const record = await createRecord();
    const other = await createWorkspace(app.app.services.orm.em.fork(), 'Other tenant');

    expectFieldError(await app.request(DocumentRecordDocument, { id: record.id }, other.adminKey), 'id', 'NOT_FOUND');
    expectFieldError(await app.request(DocumentRecordEventsDocument, { documentRecordId: record.id }, other.adminKey), 'documentRecordId', 'NOT_FOUND');
    expect(dataOf(await app.request(DocumentRecordsDocument, {}, other.adminKey)).documentRecords.totalCount).toBe(0);
    const input = { name: 'Cross-tenant', authorId: ws.authorId };
    expectFieldError(await app.request(CreateDocumentRecordDocument, { input }, other.adminKey), 'authorId');
  });
});
