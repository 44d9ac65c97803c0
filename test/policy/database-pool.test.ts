import pg from 'pg';
import { loadConfig } from '../../src/config/config';
import { openDatabase } from '../../src/database/orm';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { waitFor } from '../support/wait';

describe('DOCPUSH_DB_POOL_SIZE', () => {
  let app: TestApp;
  let observer: pg.Client;

  beforeAll(async () => {
    app = await startTestApp({ DOCPUSH_ROLE: 'api', DOCPUSH_DB_POOL_SIZE: '2' });
    observer = new pg.Client({ connectionString: app.databaseUrl });
    await observer.connect();
  });

  afterAll(async () => {
    await observer?.end();
    await app?.stop();
  });

  async function sleepingQueries(): Promise<number> {
    const result = await observer.query<{ count: number }>(
      `select count(*)::int as count from pg_stat_activity where datname = current_database() and query = 'select pg_sleep(0.5)' and state = 'active'`,
    );
    return result.rows[0].count;
  }

  it('caps queries running at once', async () => {
    const orm = app.app.services.orm;
    let finished = false;
    const queries = Promise.all(Array.from({ length: 5 }, () => orm.em.fork().execute('select pg_sleep(0.5)'))).finally(() => (finished = true));

    let maxRunning = 0;
    await waitFor(
      async () => {
        maxRunning = Math.max(maxRunning, await sleepingQueries());
        return finished;
      },
      { description: 'the five queries to finish' },
    );
    await queries;
    expect(maxRunning).toBe(2);
  });

  it('rejects a size below one', () => {
    expect(() => loadConfig({ DOCPUSH_DB_POOL_SIZE: '0' })).toThrow(/DOCPUSH_DB_POOL_SIZE/);
  });
});

describe('main pool connection settings', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('applies the parameters of DATABASE_URL', async () => {
    // application_name represents every libpq parameter of the URL. sslmode is the one that
    // matters, but a test server without TLS cannot show it.
    const url = new URL(database.url);
    url.searchParams.set('application_name', 'docpush-url-parameter');

    const orm = await openDatabase(url.toString(), undefined, { size: 2 });
    try {
      const [row] = await orm.em.fork().execute<Array<{ name: string }>>(`select current_setting('application_name') as name`);
      expect(row.name).toBe('docpush-url-parameter');
    } finally {
      await orm.close(true);
    }
  });
});
