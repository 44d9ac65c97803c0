import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { CreatePushConnectionDocument, EnablePushConnectionDocument, PushLogsDocument, type PushLogFilter } from '../generated/graphql';

let app: TestApp;
let seeded: SeededWorkspace;
let okListener: TestListener;
let failingListener: TestListener;
let okConnectionId: string;
let failingConnectionId: string;
let startedAt: Date;

async function enabledConnection(url: string, name: string): Promise<string> {
  const { id } = dataOf(
    await app.request(CreatePushConnectionDocument, { input: { name, url, eventTypes: ['FileUpload', 'FileDownload'] } }),
  ).createPushConnection;
  dataOf(await app.request(EnablePushConnectionDocument, { id }));
  return id;
}

async function logs(filter: PushLogFilter) {
  return dataOf(await app.request(PushLogsDocument, { filter, first: 100 })).pushLogs;
}

beforeAll(async () => {
  // The first retry comes after an hour, so each message has exactly one attempt during the test.
  app = await startTestApp({ DOCPUSH_RETRY_SCHEDULE: '1h' });
  seeded = await seedWorkspace(app);
  okListener = await startListener();
  failingListener = await startListener((_request, response) => {
    response.writeHead(503);
    response.end('maintenance');
  });
  okConnectionId = await enabledConnection(okListener.url, 'OK');
  failingConnectionId = await enabledConnection(failingListener.url, 'Failing');
  startedAt = new Date();

  const record = await seedRecord(app, seeded);
  await recordEvent(app, record, DocumentRecordEventType.FileUpload, seeded.author);
  await recordEvent(app, record, DocumentRecordEventType.FileDownload, seeded.author);
  await waitFor(async () => (await logs({})).totalCount >= 4, { description: 'four push log rows' });
});

afterAll(async () => {
  await okListener?.close();
  await failingListener?.close();
  await app?.stop();
});

describe('pushLogs filters', () => {
  it('filter by connection', async () => {
    const result = await logs({ connectionId: failingConnectionId });
    expect(result.totalCount).toBe(2);
    expect(result.edges.every((edge) => edge.node.connectionId === failingConnectionId)).toBe(true);
  });

  it('filter by event type', async () => {
    const result = await logs({ eventType: 'FileDownload' });
    expect(result.totalCount).toBe(2);
    expect(result.edges.every((edge) => edge.node.eventType === 'FileDownload')).toBe(true);
  });

  it('filter by outcome and response code', async () => {
    const failed = await logs({ outcome: 'FAILED' });
    const unavailable = await logs({ responseCode: 503 });
    const succeeded = await logs({ outcome: 'SUCCEEDED', connectionId: okConnectionId });

    expect(failed.totalCount).toBe(2);
    expect(unavailable.edges.map((edge) => edge.node.id).sort()).toEqual(failed.edges.map((edge) => edge.node.id).sort());
    expect(succeeded.totalCount).toBe(2);
  });

  it('filter by time range', async () => {
    const inRange = await logs({ from: startedAt.toISOString(), to: new Date(Date.now() + 60_000).toISOString() });
    const before = await logs({ to: startedAt.toISOString() });

    expect(inRange.totalCount).toBe(4);
    expect(before.totalCount).toBe(0);
  });

  it('rejects a reversed time range', async () => {
    const result = await app.request(PushLogsDocument, { filter: { from: new Date().toISOString(), to: startedAt.toISOString() } });
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.from' });
  });
});
