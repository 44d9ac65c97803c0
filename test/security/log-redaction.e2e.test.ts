/**
 * Listener URLs in the server log. Deliveries go to a URL with a token in the query string and
 * to one that also carries a user name and password. The log must show both URLs redacted,
 * while the push log and the API keep them whole for the workspace's admins.
 */
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { PushConnection } from '../../src/connections/push-connection.entity';
import { CreatePushConnectionDocument, EnablePushConnectionDocument, PushLogsDocument } from '../generated/graphql';
import { captureLogs } from './security-support';

const TOKEN = 'secret123';
const PASSWORD = 'hunter2-password';

let app: TestApp;
let listener: TestListener;
let logs: ReturnType<typeof captureLogs>;
let tokenConnectionId: string;
let credentialsConnectionId: string;
let tokenUrl: string;
let credentialsUrl: string;

async function createEnabledConnection(name: string, url: string): Promise<string> {
  const { id } = dataOf(await app.request(CreatePushConnectionDocument, { input: { name, url, eventTypes: ['DocumentRecordUpdated'] } })).createPushConnection;
  dataOf(await app.request(EnablePushConnectionDocument, { id }));
  return id;
}

async function pushLogsOf(connectionId: string) {
  return dataOf(await app.request(PushLogsDocument, { filter: { connectionId }, first: 10 })).pushLogs.edges.map((edge) => edge.node);
}

beforeAll(async () => {
  logs = captureLogs();
  // One attempt per message during the test: the first retry comes after an hour.
  app = await startTestApp({ DOCPUSH_RETRY_SCHEDULE: '1h' }, { logger: logs.logger });
  const seeded = await seedWorkspace(app);
  // A failing listener makes the pipeline log each attempt at warn level, with its error.
  listener = await startListener((_request, response) => {
    response.writeHead(500, { 'content-type': 'text/plain' });
    response.end('listener failed');
  });

  tokenUrl = `${listener.url}?token=${TOKEN}&team=ops#section`;
  tokenConnectionId = await createEnabledConnection('Token in the query', tokenUrl);

  // The API rejects a URL with credentials when a connection is saved, so the test writes it
  // into the row directly.
  credentialsUrl = `http://alice:${PASSWORD}@127.0.0.1:${listener.port}/webhook?token=${TOKEN}`;
  credentialsConnectionId = await createEnabledConnection('Credentials in the URL', listener.url);
  const em = app.app.services.orm.em.fork();
  await em.nativeUpdate(PushConnection, { id: Number(credentialsConnectionId) }, { url: credentialsUrl });

  const record = await seedRecord(app, seeded);
  await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
  await waitFor(async () => (await pushLogsOf(tokenConnectionId)).length === 1 && (await pushLogsOf(credentialsConnectionId)).length === 1, {
    description: 'one push log row of each connection',
  });
  await waitFor(() => (logs.text().match(/delivery failed/g) ?? []).length >= 2, { description: 'two failed attempts in the server log' });
}, 60_000);

afterAll(async () => {
  await listener?.close();
  await app?.stop();
});

describe('listener URLs in the server log', () => {
  it('contain neither the token nor the password', () => {
    const text = logs.text();

    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('alice');
    expect(text).not.toContain('#section');
  });

  it('keep host, port, path and parameter names', () => {
    const failedLines = logs
      .text()
      .split('\n')
      .filter((line) => line.includes('delivery failed'))
      .map((line) => JSON.parse(line) as { connectionId: number; url: string; error: string });
    const lineOf = (connectionId: string) => failedLines.find((line) => line.connectionId === Number(connectionId));
    const redacted = `http://127.0.0.1:${listener.port}/webhook?token=redacted`;

    expect(lineOf(tokenConnectionId)?.url).toBe(`${redacted}&team=redacted`);
    expect(lineOf(credentialsConnectionId)?.url).toBe(redacted);
    expect(lineOf(credentialsConnectionId)?.error).toContain(`URL "${redacted}" (credentials removed) contains a user name or password`);
  });

  it('reach the listener, the push log and the API whole', async () => {
    const [tokenLog] = await pushLogsOf(tokenConnectionId);
    const [credentialsLog] = await pushLogsOf(credentialsConnectionId);

    expect(listener.requests.map((request) => request.url)).toEqual([`/webhook?token=${TOKEN}&team=ops`]);
    expect(tokenLog.requestUrl).toBe(tokenUrl);
    expect(credentialsLog.requestUrl).toBe(credentialsUrl);
    expect(credentialsLog.responseError).toContain(`?token=${TOKEN}`);
  });
});
