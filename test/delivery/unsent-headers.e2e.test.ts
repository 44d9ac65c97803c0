/**
 * Custom headers whose rendered value cannot be sent, and the URL that the push log records.
 * The event's author has a position with a line break and 5,000 bytes of custom data, so
 * headers built from them are left out of the request. A 2xx attempt keeps an empty response
 * error and the server log names the headers; a failed attempt names them in the push log too.
 */
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { captureLogs } from '../security/security-support';
import { createEnabledConnection, deleteAllConnections } from '../reliability/reliability-support';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { PushConnection } from '../../src/connections/push-connection.entity';
import { User } from '../../src/workspace/user.entity';
import { PushConnectionDocument, PushLogsDocument } from '../generated/graphql';

const HEADERS = [
  { name: 'X-Position', value: '{{event.author.position}}' },
  { name: 'X-Data', value: '{{event.author.customData}}' },
  { name: 'X-Kept', value: 'kept' },
];
const CONTROL_REASON = 'its value contains a line break or another control character';
const SIZE_REASON = 'its value is 5000 bytes as UTF-8 after variable substitution, over the maximum of 4096';

let app: TestApp;
let seeded: SeededWorkspace;
let author: User;
let logs: ReturnType<typeof captureLogs>;

beforeAll(async () => {
  logs = captureLogs();
  // One attempt per message during the test: the first retry comes after an hour.
  app = await startTestApp({ DOCPUSH_RETRY_SCHEDULE: '1h' }, { logger: logs.logger });
  seeded = await seedWorkspace(app);
  const em = app.app.services.orm.em.fork();
  author = em.create(User, {
    workspace: seeded.workspaceId,
    name: 'Petr Dlouhý',
    email: 'petr@example.com',
    position: 'Counsel\nLegal',
    customData: 'x'.repeat(5000),
  });
  await em.flush();
});

// Every connection matches every event of the test, so each test starts without any.
afterEach(async () => {
  await deleteAllConnections(app);
});

afterAll(async () => {
  await app?.stop();
});

async function pushOneEvent(eventAuthor: User = author): Promise<string> {
  const record = await seedRecord(app, seeded);
  const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, eventAuthor);
  expect(messageIds).toHaveLength(1);
  return messageIds[0];
}

async function waitForLog(messageId: string) {
  let found: Awaited<ReturnType<typeof fetchLogs>>[number] | undefined;
  await waitFor(
    async () => {
      found = (await fetchLogs(messageId))[0];
      return found !== undefined;
    },
    { description: `the push log row of message ${messageId}` },
  );
  return found!;
}

async function fetchLogs(messageId: string) {
  return dataOf(await app.request(PushLogsDocument, { filter: { messageId } })).pushLogs.edges.map((edge) => edge.node);
}

/** Returns the server log lines with this message, parsed. */
function logLines(message: string): Array<Record<string, unknown>> {
  return logs
    .text()
    .split('\n')
    .filter((line) => line.includes(`"msg":"${message}"`))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('headers whose value cannot be sent', () => {
  let listener: TestListener;

  afterEach(async () => {
    await listener?.close();
  });

  it('keep a 2xx response error empty', async () => {
    listener = await startListener();
    const connection = await createEnabledConnection(app, { url: listener.url, headers: HEADERS });

    const messageId = await pushOneEvent();

    const [request] = await listener.waitForRequests(1);
    expect(request.headers['x-kept']).toBe('kept');
    expect(Object.keys(request.headers)).not.toContain('x-position');
    expect(Object.keys(request.headers)).not.toContain('x-data');
    const log = await waitForLog(messageId);
    expect(log.outcome).toBe('SUCCEEDED');
    expect(log.responseError).toBe('');
    expect(Object.keys(log.requestHeaders)).not.toContain('x-position');
    expect(Object.keys(log.requestHeaders)).not.toContain('x-data');
    const warning = logLines('custom headers not sent').find((line) => line.messageId === messageId);
    expect(warning).toMatchObject({
      level: 40,
      connectionId: Number(connection.id),
      attempt: 1,
      droppedHeaders: [
        { name: 'X-Position', reason: CONTROL_REASON },
        { name: 'X-Data', reason: SIZE_REASON },
      ],
    });
  });

  it('include a 6000-byte value of 2000 characters', async () => {
    const em = app.app.services.orm.em.fork();
    const multiByteAuthor = em.create(User, { workspace: seeded.workspaceId, name: 'Wang Fang', email: 'wang@example.com', customData: '文'.repeat(2000) });
    await em.flush();
    listener = await startListener();
    const connection = await createEnabledConnection(app, { url: listener.url, headers: [{ name: 'X-Data', value: '{{event.author.customData}}' }] });

    const messageId = await pushOneEvent(multiByteAuthor);

    const [request] = await listener.waitForRequests(1);
    expect(Object.keys(request.headers)).not.toContain('x-data');
    await waitForLog(messageId);
    const warning = logLines('custom headers not sent').find((line) => line.messageId === messageId);
    expect(warning).toMatchObject({
      connectionId: Number(connection.id),
      droppedHeaders: [{ name: 'X-Data', reason: 'its value is 6000 bytes as UTF-8 after variable substitution, over the maximum of 4096' }],
    });
  });

  it('include those past the 8192-byte total once rendered', async () => {
    const em = app.app.services.orm.em.fork();
    // 3,000 bytes each once rendered: the first two headers fit in 8,192 bytes, the third does not.
    const verboseAuthor = em.create(User, { workspace: seeded.workspaceId, name: 'Eva Dlouhá', email: 'eva@example.com', customData: 'y'.repeat(3000) });
    await em.flush();
    listener = await startListener();
    const headers = ['X-Data-1', 'X-Data-2', 'X-Data-3'].map((name) => ({ name, value: '{{event.author.customData}}' }));
    const connection = await createEnabledConnection(app, { url: listener.url, headers });

    const messageId = await pushOneEvent(verboseAuthor);

    const [request] = await listener.waitForRequests(1);
    expect(request.headers['x-data-1']).toBe('y'.repeat(3000));
    expect(request.headers['x-data-2']).toBe('y'.repeat(3000));
    expect(Object.keys(request.headers)).not.toContain('x-data-3');
    await waitForLog(messageId);
    const warning = logLines('custom headers not sent').find((line) => line.messageId === messageId);
    expect(warning).toMatchObject({
      connectionId: Number(connection.id),
      droppedHeaders: [{ name: 'X-Data-3', reason: 'the custom headers before it and this one add up to more than 8192 bytes' }],
    });
  });

  it('are named when the attempt fails', async () => {
    listener = await startListener((_request, response) => {
      response.writeHead(500);
      response.end('down');
    });
    await createEnabledConnection(app, { url: listener.url, headers: HEADERS });

    const messageId = await pushOneEvent();

    const log = await waitForLog(messageId);
    expect(log.outcome).toBe('FAILED');
    expect(log.responseError).toBe(
      `HTTP 500 Internal Server Error. Header X-Position was not sent because ${CONTROL_REASON}. Header X-Data was not sent because ${SIZE_REASON}.`,
    );
  });
});

describe('stored headers with a reserved name', () => {
  let listener: TestListener;

  afterEach(async () => {
    await listener?.close();
  });

  it('are left out and named', async () => {
    listener = await startListener();
    const connection = await createEnabledConnection(app, { url: listener.url, headers: [{ name: 'X-Kept', value: 'kept' }] });
    // Saving rejects these names now, so the test writes headers saved before that into the row directly.
    const stored = [
      { name: 'Content-Encoding', value: 'gzip', useDefaultApiUser: false, secret: false },
      { name: 'Connection', value: 'close', useDefaultApiUser: false, secret: false },
      { name: 'X-Kept', value: 'kept', useDefaultApiUser: false, secret: false },
    ];
    await app.app.services.orm.em.fork().nativeUpdate(PushConnection, { id: Number(connection.id) }, { headers: stored });

    const messageId = await pushOneEvent();

    const [request] = await listener.waitForRequests(1);
    expect(request.headers['x-kept']).toBe('kept');
    expect(request.headers['content-encoding']).toBeUndefined();
    expect(request.headers.connection).not.toBe('close');
    const log = await waitForLog(messageId);
    expect(log.outcome).toBe('SUCCEEDED');
    expect(Object.keys(log.requestHeaders)).not.toContain('content-encoding');
    const warning = logLines('custom headers not sent').find((line) => line.messageId === messageId);
    expect(warning).toMatchObject({
      connectionId: Number(connection.id),
      droppedHeaders: [
        { name: 'Content-Encoding', reason: 'its name is reserved: docpush sends the body uncompressed, so a listener that honours this header could not read it' },
        { name: 'Connection', reason: 'its name is reserved: it belongs to one HTTP connection, which docpush manages itself' },
      ],
    });
  });
});

describe('request URL in the push log', () => {
  let listener: TestListener;

  beforeAll(async () => {
    listener = await startListener();
  });

  afterAll(async () => {
    await listener?.close();
  });

  it('is the percent-encoded requested URL', async () => {
    const connection = await createEnabledConnection(app, { url: `${listener.url}/o k?q=a b` });
    const sentUrl = `${listener.url}/o%20k?q=a%20b`;

    const messageId = await pushOneEvent();

    const log = await waitForLog(messageId);
    expect(listener.requests.map((request) => request.url)).toContain('/webhook/o%20k?q=a%20b');
    expect(log.requestUrl).toBe(sentUrl);
    expect(dataOf(await app.request(PushConnectionDocument, { id: connection.id })).pushConnection.url).toBe(sentUrl);
  });

  it('is percent-encoded for stored spaces', async () => {
    const connection = await createEnabledConnection(app, { url: listener.url });
    // URLs used to be stored as typed, so the test writes such a URL into the row directly.
    await app.app.services.orm.em.fork().nativeUpdate(PushConnection, { id: Number(connection.id) }, { url: `${listener.url}/stored path` });

    const messageId = await pushOneEvent();

    const log = await waitForLog(messageId);
    expect(listener.requests.map((request) => request.url)).toContain('/webhook/stored%20path');
    expect(log.requestUrl).toBe(`${listener.url}/stored%20path`);
  });
});
