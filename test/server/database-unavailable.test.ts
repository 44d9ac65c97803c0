import { startTestApp, type TestApp } from '../support/test-app';
import { reopenDatabase, closeDatabase } from '../support/test-database';
import { bearer, collect, openWs, postGraphQL } from '../security/security-support';
import { waitFor } from '../support/wait';
import { DATABASE_UNAVAILABLE_MESSAGE } from '../../src/database/database-unavailable';

const QUERY = '{ workspace { id } }';

function postQuery(app: TestApp) {
  return postGraphQL(app.url, QUERY, {}, bearer(app.adminKey));
}

describe.each([
  ['without the API key cache', '0'],
  ['with a cached API key', '1h'],
])('database outage %s', (_description, keyCacheTtl) => {
  let app: TestApp;
  let closedDatabase: string | null = null;

  beforeAll(async () => {
    app = await startTestApp({ DOCPUSH_ROLE: 'api', DOCPUSH_API_KEY_CACHE_TTL: keyCacheTtl });
  });

  afterAll(async () => {
    if (closedDatabase) await reopenDatabase(closedDatabase);
    await app?.stop();
  });

  it('returns 503 SERVICE_UNAVAILABLE', async () => {
    // Proves that requests succeed before the cut, and caches the key when the cache is on.
    expect((await postQuery(app)).body.errors).toBeUndefined();
    closedDatabase = await closeDatabase(app.databaseUrl);

    const reply = await postQuery(app);

    expect(reply.status).toBe(503);
    expect(reply.body.errors?.[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(reply.body.errors?.[0].message).toBe(DATABASE_UNAVAILABLE_MESSAGE);
  });
});

describe('database outage after the API key was checked', () => {
  let app: TestApp;
  let closedDatabase: string | null = null;

  beforeAll(async () => {
    app = await startTestApp({ DOCPUSH_ROLE: 'api', DOCPUSH_API_KEY_CACHE_TTL: '1h' });
  });

  afterAll(async () => {
    if (closedDatabase) await reopenDatabase(closedDatabase);
    await app?.stop();
  });

  it('returns SERVICE_UNAVAILABLE from the resolver', async () => {
    expect((await postQuery(app)).body.errors).toBeUndefined();
    // The LISTEN connection stays up, so the key cache keeps serving the key, while the pool's
    // sessions end and new ones are closedDatabase.
    closedDatabase = await closeDatabase(app.databaseUrl, 'docpush-listener');

    const reply = await postQuery(app);

    expect(reply.body.errors?.[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(reply.body.errors?.[0].message).toBe(DATABASE_UNAVAILABLE_MESSAGE);
  });
});

describe('graphql-ws during a database outage', () => {
  let app: TestApp;
  let closedDatabase: string | null = null;

  beforeAll(async () => {
    app = await startTestApp({ DOCPUSH_ROLE: 'api', DOCPUSH_API_KEY_CACHE_TTL: '0' });
  });

  afterAll(async () => {
    if (closedDatabase) await reopenDatabase(closedDatabase);
    await app?.stop();
  });

  it('keeps open connections and asks new ones to retry', async () => {
    const open = openWs(app.url, { authorization: bearer(app.adminKey) });
    const running = collect(open.client, 'subscription { pushConnectionStatus { connectionId } }');
    await waitFor(() => app.app.services.connectionStatusFeed.subscriberCount === 1, { description: 'the pushConnectionStatus subscriber' });
    // The LISTEN connection stays up, so the running subscription has what it needs.
    closedDatabase = await closeDatabase(app.databaseUrl, 'docpush-listener');

    const operation = collect(open.client, QUERY);
    await operation.ended;
    const connecting = openWs(app.url, { authorization: bearer(app.adminKey) });
    const rejected = collect(connecting.client, QUERY);

    expect(operation.error).toEqual([expect.objectContaining({ message: DATABASE_UNAVAILABLE_MESSAGE, extensions: { code: 'SERVICE_UNAVAILABLE' } })]);
    expect(await connecting.closed).toEqual({ code: 1013, reason: 'Try Again Later: the database is unavailable. Connect again once /readyz reports ready.' });
    await rejected.ended;
    expect(running.error).toBeUndefined();
    expect(app.app.services.connectionStatusFeed.subscriberCount).toBe(1);
    await open.client.dispose();
    await connecting.client.dispose();
  });
});
