import type { ExecutionResult } from 'graphql';
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type ReceivedRequest, type TestListener } from '../support/listener';
import { waitFor } from '../support/wait';
import { countRows, expectFieldError } from './api-assertions';
import { setUpWorkspaceThroughApi, type ApiWorkspace } from './api-setup';
import { createOtherWorkspace } from '../security/security-support';
import { PushMessage } from '../../src/delivery/push-message.entity';
import {
  CreateDocumentDocument,
  CreateDocumentRecordDocument,
  CreatePushConnectionDocument,
  CreateUserDocument,
  DeleteFileDocument,
  DocumentRecordEventsDocument,
  DocumentsDocument,
  EnablePushConnectionDocument,
  FilesDocument,
  UpdateDocumentDocument,
  UploadFileDocument,
} from '../generated/graphql';

// createDocument, updateDocument, uploadFile and deleteFile take an optional actingUserId
// argument, which becomes the author of the event they record, as updateDocumentRecord's
// input.actingUserId does.

let app: TestApp;
let listener: TestListener;
let ws: ApiWorkspace;
/** A user of another workspace, whom this workspace's mutations must not accept. */
let foreignUserId: string;

// Emails, because Node.js reads header values as Latin-1 and the author's name is not ASCII.
const DEFAULT_API_USER_EMAIL = 'api@docpush.invalid';
const AUTHOR_EMAIL = 'jana@example.com';
const CONTENT = { title: 'Service Agreement', blocks: [{ kind: 'paragraph' as const, text: 'The Provider operates the platform.' }] };

beforeAll(async () => {
  app = await startTestApp();
  listener = await startListener();
  ws = await setUpWorkspaceThroughApi(app);
  const connection = dataOf(
    await app.request(CreatePushConnectionDocument, {
      input: {
        name: 'Document listener',
        url: listener.url,
        eventTypes: ['NewDocumentVersion', 'FileUpload', 'FileDeleted'],
        headers: [{ name: 'X-Current-User', value: '{{LEGITO.currentUser.email}}' }],
      },
    }),
  ).createPushConnection;
  dataOf(await app.request(EnablePushConnectionDocument, { id: connection.id }));

  const other = await createOtherWorkspace(app, 'Other workspace');
  const otherUser = dataOf(await app.request(CreateUserDocument, { input: { name: 'Eva Svobodová', email: 'eva@example.com' } }, other.adminKey)).createUser;
  foreignUserId = otherUser.id;
});

afterAll(async () => {
  await listener?.close();
  await app?.stop();
});

async function createRecord(): Promise<string> {
  const input = { name: 'Lease 2026', authorId: ws.authorId, templateSuiteId: ws.suiteId };
  return dataOf(await app.request(CreateDocumentRecordDocument, { input }, ws.memberKey)).createDocumentRecord.id;
}

async function createDocument(recordId: string, actingUserId?: string) {
  const input = { documentRecordId: recordId, templateId: ws.templateId, content: CONTENT };
  return app.request(CreateDocumentDocument, { input, actingUserId }, ws.memberKey);
}

async function uploadFile(recordId: string, actingUserId?: string) {
  const input = { documentRecordId: recordId, fileName: 'scan.pdf', mimeType: 'application/pdf', contentBase64: 'JVBERi0=' };
  return app.request(UploadFileDocument, { input, actingUserId }, ws.memberKey);
}

type RunMutation = (actingUserId?: string) => Promise<ExecutionResult<unknown>>;

/** Each mutation, with a set-up on a new record that returns a function running the mutation once. */
const MUTATIONS: Array<{ name: string; eventType: string; prepare: (recordId: string) => Promise<RunMutation> }> = [
  {
    name: 'createDocument',
    eventType: 'NewDocumentVersion',
    prepare: async (recordId) => (actingUserId) => createDocument(recordId, actingUserId),
  },
  {
    name: 'updateDocument',
    eventType: 'NewDocumentVersion',
    prepare: async (recordId) => {
      const document = dataOf(await createDocument(recordId)).createDocument;
      return (actingUserId) => app.request(UpdateDocumentDocument, { id: document.id, content: CONTENT, actingUserId }, ws.memberKey);
    },
  },
  {
    name: 'uploadFile',
    eventType: 'FileUpload',
    prepare: async (recordId) => (actingUserId) => uploadFile(recordId, actingUserId),
  },
  {
    name: 'deleteFile',
    eventType: 'FileDeleted',
    prepare: async (recordId) => {
      const file = dataOf(await uploadFile(recordId)).uploadFile;
      return (actingUserId) => app.request(DeleteFileDocument, { id: file.id, actingUserId }, ws.memberKey);
    },
  },
];

/** Returns the record's newest event, which the mutation under test recorded. */
async function newestEventOf(recordId: string) {
  const events = dataOf(await app.request(DocumentRecordEventsDocument, { documentRecordId: recordId, first: 1 }, ws.memberKey)).documentRecordEvents;
  return events.edges[0].node;
}

/** Waits for the listener to receive a push of the event with this id and returns the request. */
async function waitForPushOf(eventId: string): Promise<ReceivedRequest> {
  const isPush = (request: ReceivedRequest) => JSON.parse(request.body).event.id === Number(eventId);
  await waitFor(() => listener.requests.some(isPush), { description: `a push of event ${eventId}` });
  return listener.requests.find(isPush)!;
}

/** Reads what a mutation of the record could have stored: its documents, files and events, and the count of all push messages. */
async function storedStateOf(recordId: string) {
  const documents = dataOf(await app.request(DocumentsDocument, { documentRecordId: recordId }, ws.memberKey)).documents;
  const files = dataOf(await app.request(FilesDocument, { documentRecordId: recordId, first: 100 }, ws.memberKey)).files;
  const events = dataOf(await app.request(DocumentRecordEventsDocument, { documentRecordId: recordId, first: 100 }, ws.memberKey)).documentRecordEvents;
  return {
    documents: documents.map((document) => ({ id: document.id, version: document.version })),
    files: files.edges.map((edge) => edge.node.id),
    events: events.edges.map((edge) => edge.node.id),
    pushMessages: await countRows(app, PushMessage),
  };
}

describe.each(MUTATIONS)('$name actingUserId', ({ eventType, prepare }) => {
  it('makes the user the event author', async () => {
    const recordId = await createRecord();
    const run = await prepare(recordId);

    dataOf(await run(ws.authorId));

    const event = await newestEventOf(recordId);
    expect(event).toMatchObject({ type: eventType, authorId: ws.authorId });
    const push = await waitForPushOf(event.id);
    expect(JSON.parse(push.body).event.authorId).toBe(Number(ws.authorId));
    expect(push.headers['x-current-user']).toBe(AUTHOR_EMAIL);
  });

  it('leaves the author null when omitted', async () => {
    const recordId = await createRecord();
    const run = await prepare(recordId);

    dataOf(await run());

    const event = await newestEventOf(recordId);
    expect(event).toMatchObject({ type: eventType, authorId: null });
    const push = await waitForPushOf(event.id);
    expect(JSON.parse(push.body).event.authorId).toBeNull();
    expect(push.headers['x-current-user']).toBe(DEFAULT_API_USER_EMAIL);
  });

  it.each([
    ['an unknown user', () => '999999'],
    ['a user of another workspace', () => foreignUserId],
  ])('rejects %s and stores nothing', async (_case, userId) => {
    const recordId = await createRecord();
    const run = await prepare(recordId);
    const before = await storedStateOf(recordId);

    const error = expectFieldError(await run(userId()), 'actingUserId');

    expect(error.message).toContain(`"${userId()}"`);
    expect(await storedStateOf(recordId)).toEqual(before);
  });
});
