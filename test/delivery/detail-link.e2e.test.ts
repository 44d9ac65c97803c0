import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type ReceivedRequest, type TestListener } from '../support/listener';
import { validatePushResponse } from '../support/push-response-schema';
import { createEnabledConnection, setUpWorkspaceThroughApi, type ApiWorkspace } from '../records/api-setup';
import { CreateDocumentRecordDocument, SendTestMessageDocument } from '../generated/graphql';

/** A base URL with a path and a trailing slash; nothing resolves or requests it, it is only text in the payload. */
const BASE_URL = 'https://platform.example/legito/';

describe.each([
  ['set', { DOCPUSH_DETAIL_LINK_BASE_URL: BASE_URL }, 'https://platform.example/legito/document-records/'],
  ['unset', {}, '/document-records/'],
])('detailLink with DOCPUSH_DETAIL_LINK_BASE_URL %s', (_state, env, expectedPrefix) => {
  let app: TestApp;
  let listener: TestListener;
  let ws: ApiWorkspace;
  let connectionId: string;

  beforeAll(async () => {
    app = await startTestApp(env);
    listener = await startListener();
    ws = await setUpWorkspaceThroughApi(app);
    connectionId = await createEnabledConnection(app, listener.url, ['DocumentRecordCreated']);
  });

  afterEach(() => {
    listener.requests.length = 0;
  });

  afterAll(async () => {
    await listener?.close();
    await app?.stop();
  });

  const detailLinkOf = (request: ReceivedRequest): unknown => JSON.parse(request.body).documentRecord.detailLink;

  test('links a pushed record', async () => {
    const input = { name: 'Service Agreement', authorId: ws.authorId };
    const record = dataOf(await app.request(CreateDocumentRecordDocument, { input }, ws.memberKey)).createDocumentRecord;

    const [request] = await listener.waitForRequests(1);

    expect(detailLinkOf(request)).toBe(`${expectedPrefix}${record.code}`);
    expect(validatePushResponse(JSON.parse(request.body))).toEqual({ valid: true, errors: [] });
  });

  test('links the record of a test message', async () => {
    dataOf(await app.request(SendTestMessageDocument, { connectionId }));

    const [request] = await listener.waitForRequests(1);

    expect(detailLinkOf(request)).toMatch(new RegExp(`^${escapeRegExp(expectedPrefix)}[A-Za-z0-9]{40}$`));
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
