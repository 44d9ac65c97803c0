/**
 * Listener URLs in the server log. Deliveries go to a URL with a token in the query string, to
 * one that also carries a user name and password, and to a Slack-shaped URL with a token in the
 * path. The listener of the last one redirects to the same path with a slash appended. The log
 * must show every URL and the redirect's relative Location redacted. The push log and the API
 * keep them whole for the workspace's admins.
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
const SLACK_TOKEN = 'q7WzR2mVx9LpK4sT8nYb3HcJ';
const SLACK_PATH = `/services/T0TEST001/B0TEST001/${SLACK_TOKEN}`;

let app: TestApp;
let listener: TestListener;
let redirectingListener: TestListener;
let logs: ReturnType<typeof captureLogs>;
let tokenConnectionId: string;
let credentialsConnectionId: string;
let slackConnectionId: string;
let tokenUrl: string;
let credentialsUrl: string;
let slackUrl: string;

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

  tokenUrl = `${listener.url}?token=${TOKEN}&team=ops`;
  tokenConnectionId = await createEnabledConnection('Token in the query', tokenUrl);

  // The API rejects a URL with credentials when a connection is saved, so the test writes it
  // into the row directly.
  credentialsUrl = `http://alice:${PASSWORD}@127.0.0.1:${listener.port}/webhook?token=${TOKEN}`;
  credentialsConnectionId = await createEnabledConnection('Credentials in the URL', listener.url);
  const em = app.app.services.orm.em.fork();
  await em.nativeUpdate(PushConnection, { id: Number(credentialsConnectionId) }, { url: credentialsUrl });

  // Redirects to the same path with a slash appended, as frameworks that add a trailing slash do.
  redirectingListener = await startListener((request, response) => {
    response.writeHead(301, { location: `${request.url}/` });
    response.end();
  });
  slackUrl = `http://127.0.0.1:${redirectingListener.port}${SLACK_PATH}`;
  slackConnectionId = await createEnabledConnection('Token in the path', slackUrl);

  const record = await seedRecord(app, seeded);
  await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
  const connectionIds = [tokenConnectionId, credentialsConnectionId, slackConnectionId];
  await waitFor(async () => (await Promise.all(connectionIds.map(pushLogsOf))).every((rows) => rows.length === 1), {
    description: 'one push log row of each connection',
  });
  await waitFor(() => (logs.text().match(/delivery failed/g) ?? []).length >= 3, { description: 'three failed attempts in the server log' });
}, 60_000);

/** Parses the server log's lines about failed attempts. */
function failedLines(): Array<{ connectionId: number; url: string; error: string }> {
  return logs
    .text()
    .split('\n')
    .filter((line) => line.includes('delivery failed'))
    .map((line) => JSON.parse(line) as { connectionId: number; url: string; error: string });
}

afterAll(async () => {
  await listener?.close();
  await redirectingListener?.close();
  await app?.stop();
});

describe('listener URLs in the server log', () => {
  it('contain neither the token nor the password', () => {
    const text = logs.text();

    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('alice');
    expect(text).not.toContain(SLACK_TOKEN);
  });

  it('keep host, port, path and parameter names', () => {
    const lineOf = (connectionId: string) => failedLines().find((line) => line.connectionId === Number(connectionId));
    const redacted = `http://127.0.0.1:${listener.port}/webhook?token=redacted`;

    expect(lineOf(tokenConnectionId)?.url).toBe(`${redacted}&team=redacted`);
    expect(lineOf(credentialsConnectionId)?.url).toBe(redacted);
    expect(lineOf(credentialsConnectionId)?.error).toContain(`URL "${redacted}" (credentials removed) contains a user name or password`);
  });

  it('show a token in the path as redacted', () => {
    const slackLine = failedLines().find((line) => line.connectionId === Number(slackConnectionId));
    const redactedPath = '/services/T0TEST001/B0TEST001/redacted';

    expect(slackLine?.url).toBe(`http://127.0.0.1:${redirectingListener.port}${redactedPath}`);
    expect(slackLine?.error).toBe(`HTTP 301 Moved Permanently: redirects are not followed (Location: ${redactedPath}/)`);
  });

  it('reach the listener, the push log and the API whole', async () => {
    const [tokenLog] = await pushLogsOf(tokenConnectionId);
    const [credentialsLog] = await pushLogsOf(credentialsConnectionId);
    const [slackLog] = await pushLogsOf(slackConnectionId);

    expect(listener.requests.map((request) => request.url)).toEqual([`/webhook?token=${TOKEN}&team=ops`]);
    expect(tokenLog.requestUrl).toBe(tokenUrl);
    expect(credentialsLog.requestUrl).toBe(credentialsUrl);
    expect(credentialsLog.responseError).toContain(`?token=${TOKEN}`);
    expect(redirectingListener.requests.map((request) => request.url)).toEqual([SLACK_PATH]);
    expect(slackLog.requestUrl).toBe(slackUrl);
    expect(slackLog.responseError).toContain(`(Location: ${SLACK_PATH}/)`);
  });
});
