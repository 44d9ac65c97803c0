import pg from 'pg';
import { startTestApp, type TestApp } from '../support/test-app';
import { DATABASE_UNAVAILABLE_MESSAGE } from '../../src/database/database-unavailable';

/** Runs `sql` on the run's admin database, which stays reachable while the test database refuses sessions. */
async function runAdminQuery(sql: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.TEST_ADMIN_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql, values);
  } finally {
    await client.end();
  }
}

/** Makes the app's database refuse new sessions and ends the open ones, as an outage of that database alone. */
async function cutDatabase(app: TestApp): Promise<string> {
  const name = new URL(app.databaseUrl).pathname.slice(1);
  await runAdminQuery(`alter database ${name} allow_connections false`);
  await runAdminQuery('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]);
  return name;
}

interface GraphQLReply {
  status: number;
  body: { errors?: Array<{ message: string; extensions: { code: string } }> };
}

async function postQuery(app: TestApp, query: string): Promise<GraphQLReply> {
  const response = await fetch(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${app.adminKey}` },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLReply['body'] };
}

describe.each([
  ['without the API key cache', '0'],
  ['with a cached API key', '1h'],
])('database outage %s', (_description, keyCacheTtl) => {
  let app: TestApp;
  let cutName: string | null = null;

  beforeAll(async () => {
    app = await startTestApp({ DOCPUSH_ROLE: 'api', DOCPUSH_API_KEY_CACHE_TTL: keyCacheTtl });
  });

  afterAll(async () => {
    if (cutName) await runAdminQuery(`alter database ${cutName} allow_connections true`);
    await app?.stop();
  });

  it('returns 503 SERVICE_UNAVAILABLE', async () => {
    // Proves that requests succeed before the cut, and caches the key when the cache is on.
    expect((await postQuery(app, '{ workspace { id } }')).body.errors).toBeUndefined();
    cutName = await cutDatabase(app);

    const reply = await postQuery(app, '{ workspace { id } }');

    expect(reply.status).toBe(503);
    expect(reply.body.errors?.[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(reply.body.errors?.[0].message).toBe(DATABASE_UNAVAILABLE_MESSAGE);
  });
});

describe('database outage after the API key was checked', () => {
  let app: TestApp;
  let cutName: string | null = null;

  beforeAll(async () => {
    app = await startTestApp({ DOCPUSH_ROLE: 'api', DOCPUSH_API_KEY_CACHE_TTL: '1h' });
  });

  afterAll(async () => {
    if (cutName) await runAdminQuery(`alter database ${cutName} allow_connections true`);
    await app?.stop();
  });

  it('returns SERVICE_UNAVAILABLE from the resolver', async () => {
    expect((await postQuery(app, '{ workspace { id } }')).body.errors).toBeUndefined();
    // The LISTEN connection stays up, so the key cache keeps serving the key, while the pool's
    // sessions end and new ones are refused.
    cutName = new URL(app.databaseUrl).pathname.slice(1);
    await runAdminQuery(`alter database ${cutName} allow_connections false`);
    await runAdminQuery(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name <> 'docpush-listener'`, [cutName]);

    const reply = await postQuery(app, '{ workspace { id } }');

    expect(reply.body.errors?.[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(reply.body.errors?.[0].message).toBe(DATABASE_UNAVAILABLE_MESSAGE);
  });
});
