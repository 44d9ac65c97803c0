import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { PushConnection } from '../../src/connections/push-connection.entity';
import { DocumentRecordEventType } from '../../src/records/event-type';
import {
  CreatePushConnectionDocument,
  EnablePushConnectionDocument,
  PushConnectionDocument,
  PushLogsDocument,
  UpdatePushConnectionDocument,
} from '../generated/graphql';

let app: TestApp;
let seeded: SeededWorkspace;
let listener: TestListener;

beforeAll(async () => {
  app = await startTestApp();
  seeded = await seedWorkspace(app);
  listener = await startListener();
});

afterAll(async () => {
  await listener?.close();
  await app?.stop();
});

const countConnections = () => app.app.services.orm.em.fork().count(PushConnection, {});

async function createConnection(url: string): Promise<string> {
  const input = { name: 'CRM', url, eventTypes: ['DocumentRecordUpdated' as const] };
  return dataOf(await app.request(CreatePushConnectionDocument, { input })).createPushConnection.id;
}

/** Writes `url` past the API, as a build without the fragment rule stored it. */
async function storeUrlDirectly(id: string, url: string): Promise<void> {
  const em = app.app.services.orm.em.fork();
  const connection = await em.findOneOrFail(PushConnection, Number(id));
  connection.url = url;
  await em.flush();
}

describe('listener URL fragment', () => {
  it.each([
    ['a fragment', 'http://127.0.0.1:9/hook#prod', '"#prod"', '"http://127.0.0.1:9/hook"'],
    ['an empty fragment', 'http://127.0.0.1:9/hook?a=1#', '"#"', '"http://127.0.0.1:9/hook?a=1"'],
    ['a fragment after spaces', ' http://127.0.0.1:9/o k#x ', '"#x"', '"http://127.0.0.1:9/o%20k"'],
  ])('rejects %s on create', async (_case, url, fragment, fixed) => {
    const before = await countConnections();

    const result = await app.request(CreatePushConnectionDocument, { input: { name: 'CRM', url, eventTypes: ['FileUpload'] } });

    expect(result.data).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'url' });
    expect(result.errors![0].message).toBe(
      `url ${JSON.stringify(url.trim())} has the fragment ${fragment}, which HTTP never sends, so the listener would not receive it: remove it and send ${fixed}.`,
    );
    expect(await countConnections()).toBe(before);
  });

  it('rejects a fragment on update', async () => {
    const id = await createConnection('http://127.0.0.1:9/hook');

    const result = await app.request(UpdatePushConnectionDocument, { id, input: { name: 'Renamed', url: 'http://127.0.0.1:9/hook#prod' } });

    expect(result.data).toBeNull();
    expect(result.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'url' });
    expect(result.errors![0].message).toContain('has the fragment "#prod"');
    const stored = dataOf(await app.request(PushConnectionDocument, { id })).pushConnection;
    expect(stored.url).toBe('http://127.0.0.1:9/hook');
    expect(stored.name).toBe('CRM');
  });

  it('keeps a stored fragment URL working', async () => {
    const id = await createConnection(listener.url);
    dataOf(await app.request(EnablePushConnectionDocument, { id }));
    const storedUrl = `${listener.url}#legacy`;
    await storeUrlDirectly(id, storedUrl);

    const loaded = dataOf(await app.request(PushConnectionDocument, { id })).pushConnection;
    const record = await seedRecord(app, seeded);
    await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    const [request] = await listener.waitForRequests(1);
    const logsOf = async () => dataOf(await app.request(PushLogsDocument, { filter: { connectionId: id } })).pushLogs.edges;
    await waitFor(async () => (await logsOf()).length === 1, { description: 'the push log of the delivery' });
    const [log] = await logsOf();
    const resent = await app.request(UpdatePushConnectionDocument, { id, input: { name: 'Renamed', url: storedUrl } });
    const changed = await app.request(UpdatePushConnectionDocument, { id, input: { url: `${listener.url}#other` } });

    expect(loaded.url).toBe(storedUrl);
    expect(request.url).toBe('/webhook');
    expect(log.node.responseCode).toBe(200);
    expect(resent.errors).toBeUndefined();
    expect(dataOf(resent).updatePushConnection).toMatchObject({ name: 'Renamed', url: storedUrl });
    expect(changed.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'url' });
    expect(changed.errors![0].message).toContain('has the fragment "#other"');
  });
});
