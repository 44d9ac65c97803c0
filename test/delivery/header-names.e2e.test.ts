/**
 * Header names that are also names of JavaScript's Object.prototype, such as `__proto__` and
 * `constructor`. Both are valid HTTP field names, so a connection may use them as custom headers
 * and a listener may send them in its response. An assignment to `__proto__` on a plain object
 * sets its prototype instead of adding a key, so such a header must be kept in objects without one.
 */
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { createEnabledConnection, deleteAllConnections } from '../reliability/reliability-support';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { PushLogsDocument } from '../generated/graphql';

let app: TestApp;
let seeded: SeededWorkspace;
let listener: TestListener;

beforeAll(async () => {
  app = await startTestApp({ DOCPUSH_RETRY_SCHEDULE: '1h' });
  seeded = await seedWorkspace(app);
});

afterEach(async () => {
  await listener?.close();
  await deleteAllConnections(app);
});

afterAll(async () => {
  await app?.stop();
});

async function pushOneEvent(): Promise<string> {
  const record = await seedRecord(app, seeded);
  const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, null);
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

/** Returns the values of a header as the listener received them, read from the raw header list. */
function receivedValues(rawHeaders: string[], name: string): string[] {
  const values: string[] = [];
  for (let index = 0; index < rawHeaders.length; index += 2) {
    if (rawHeaders[index].toLowerCase() === name) values.push(rawHeaders[index + 1]);
  }
  return values;
}

describe('header names of Object.prototype', () => {
  it('sends and logs a __proto__ custom header', async () => {
    listener = await startListener();
    await createEnabledConnection(app, {
      url: listener.url,
      headers: [
        { name: '__proto__', value: 'proto-value' },
        { name: 'constructor', value: 'constructor-value' },
      ],
    });

    const messageId = await pushOneEvent();

    const [request] = await listener.waitForRequests(1);
    expect(receivedValues(request.rawHeaders, '__proto__')).toEqual(['proto-value']);
    expect(receivedValues(request.rawHeaders, 'constructor')).toEqual(['constructor-value']);
    const log = await waitForLog(messageId);
    expect(log.outcome).toBe('SUCCEEDED');
    expect(Object.getOwnPropertyNames(log.requestHeaders)).toContain('__proto__');
    expect((log.requestHeaders as Record<string, unknown>)['__proto__']).toBe('proto-value');
    expect(log.requestHeaders.constructor).toBe('constructor-value');
  });

  it('logs a __proto__ response header', async () => {
    listener = await startListener((_request, response) => {
      response.setHeader('__proto__', 'from-listener');
      response.writeHead(500);
      response.end('failed');
    });
    await createEnabledConnection(app, { url: listener.url });

    const messageId = await pushOneEvent();

    const log = await waitForLog(messageId);
    expect(log.responseCode).toBe(500);
    expect(Object.getOwnPropertyNames(log.responseHeaders)).toContain('__proto__');
    expect((log.responseHeaders as Record<string, unknown>)['__proto__']).toBe('from-listener');
  });
});
