import { dataOf, startTestApp, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { waitFor } from '../support/wait';
import { createEnabledConnection, setUpWorkspaceThroughApi, type ApiWorkspace } from '../records/api-setup';
import {
  CreateDocumentRecordDocument,
  PushMessageDocument,
  RecordDocumentEventDocument,
  ResendPushMessageDocument,
  UpdateDocumentRecordDocument,
  type DocumentRecordEventType,
} from '../generated/graphql';

// Every attempt of a message must push the record as it was when the event was stored, although
// the record changes between the attempts.

let app: TestApp;
let ws: ApiWorkspace;
let listener: TestListener;
/** Whether the listener keeps the next request waiting until answerHeldAttempt responds to it with 500. */
let holdNext = false;
let heldAttemptArrived: Promise<void> = Promise.resolve();
let markHeldAttemptArrived: () => void = () => undefined;
let answerHeldAttempt: () => void = () => undefined;

/** Makes the listener hold the next request, so the record can change while that attempt is in flight. */
function holdNextAttempt(): void {
  holdNext = true;
  heldAttemptArrived = new Promise((resolve) => {
    markHeldAttemptArrived = resolve;
  });
}

beforeAll(async () => {
  app = await startTestApp({ DOCPUSH_RETRY_SCHEDULE: '100ms,100ms', DOCPUSH_RETRY_JITTER: '0' });
  ws = await setUpWorkspaceThroughApi(app);
  listener = await startListener((_request, response) => {
    if (!holdNext) {
      response.writeHead(200);
      response.end();
      return;
    }
    holdNext = false;
    answerHeldAttempt = () => {
      response.writeHead(500);
      response.end('try again');
    };
    markHeldAttemptArrived();
  });
});

afterAll(async () => {
  await listener?.close();
  await app?.stop();
});

async function createRecord(name: string): Promise<string> {
  return dataOf(await app.request(CreateDocumentRecordDocument, { input: { name, authorId: ws.authorId } }, ws.memberKey)).createDocumentRecord.id;
}

async function recordEvent(recordId: string, type: DocumentRecordEventType): Promise<string> {
  const recorded = dataOf(await app.request(RecordDocumentEventDocument, { input: { documentRecordId: recordId, type } }, ws.memberKey)).recordDocumentEvent;
  return recorded.pushMessageIds[0];
}

async function rename(recordId: string, name: string): Promise<void> {
  dataOf(await app.request(UpdateDocumentRecordDocument, { id: recordId, input: { name } }, ws.memberKey));
}

/** Returns the documentRecord of each request the listener received for `messageId`, in order. */
function pushedRecords(messageId: string): Array<Record<string, unknown>> {
  return listener.requests
    .filter((request) => request.headers['webhook-id'] === messageId)
    .map((request) => (JSON.parse(request.body) as { documentRecord: Record<string, unknown> }).documentRecord);
}

describe('record snapshot of an event', () => {
  it('stays in a retry after a change', async () => {
    await createEnabledConnection(app, listener.url, ['DocumentRecordLocked']);
    const recordId = await createRecord('Lease, draft 1');
    holdNextAttempt();
    // Locking changes the record, so this event is stored through the unit of work.
    const messageId = await recordEvent(recordId, 'DocumentRecordLocked');
    await heldAttemptArrived;

    await recordEvent(recordId, 'DocumentRecordUnlocked');
    await rename(recordId, 'Lease, draft 2');
    answerHeldAttempt();
    await waitFor(() => pushedRecords(messageId).length === 2, { description: 'the first attempt and its retry' });

    const [first, retry] = pushedRecords(messageId);
    expect(first).toMatchObject({ name: 'Lease, draft 1', locked: true });
    expect(retry).toEqual(first);
  });

  it('stays for an unchanged record and a resend', async () => {
    await createEnabledConnection(app, listener.url, ['DocumentDownload']);
    const recordId = await createRecord('Loan, draft 1');
    holdNextAttempt();
    // An event that leaves the record as it is is stored by one SQL statement.
    const messageId = await recordEvent(recordId, 'DocumentDownload');
    await heldAttemptArrived;

    await rename(recordId, 'Loan, draft 2');
    answerHeldAttempt();
    await waitFor(async () => dataOf(await app.request(PushMessageDocument, { id: messageId })).pushMessage.state === 'SUCCEEDED', {
      description: 'the retry to succeed',
    });
    await rename(recordId, 'Loan, draft 3');
    dataOf(await app.request(ResendPushMessageDocument, { id: messageId }));
    await waitFor(() => pushedRecords(messageId).length === 3, { description: 'the resent attempt' });

    const [first, retry, resent] = pushedRecords(messageId);
    expect(first).toMatchObject({ name: 'Loan, draft 1', locked: false });
    expect(retry).toEqual(first);
    expect(resent).toEqual(first);
  });
});
