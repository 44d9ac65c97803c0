import { startTestApp, type TestApp } from '../support/test-app';
import { reopenDatabase, closeDatabase } from '../support/test-database';
import { bearer, postGraphQL } from '../security/security-support';
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
