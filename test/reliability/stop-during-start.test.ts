import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { waitFor } from '../support/wait';
import { spawnDocpushProcess, type DocpushProcess } from './docpush-process';

// Loading with ts-node can take up to a minute on a busy machine.
jest.setTimeout(120_000);

/** Short settings, so that the stopped start ends at its shutdown deadline after 3 s. */
const SHORT_STOP = { DOCPUSH_ATTEMPT_TIMEOUT: '1s', DOCPUSH_SHUTDOWN_TIMEOUT: '3s' };

/** Key of the schema set-up lock ("dpss") that a starting process takes. */
const SCHEMA_SETUP_LOCK_KEY = 0x64707373;

let database: TestDatabase;
let docpush: DocpushProcess | null = null;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterEach(async () => {
  await docpush?.kill('SIGKILL');
  docpush = null;
});

afterAll(async () => {
  await database.drop();
});

describe('stop signal during start-up', () => {
  it('ends a start that waits for the schema lock', async () => {
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    try {
      // Held here as another starting process would hold it, so the start waits for as long as the test keeps it.
      await holder.query('select pg_advisory_lock($1)', [SCHEMA_SETUP_LOCK_KEY]);
      docpush = spawnDocpushProcess({ DATABASE_URL: database.url, ...SHORT_STOP });
      await waitFor(() => docpush!.output().includes('waiting for another docpush process to finish setting up the database schema'), {
        timeoutMs: 60_000,
        description: 'the start to wait for the schema set-up lock',
      });

      const exit = await docpush.kill('SIGTERM');

      expect(exit.code).toBe(1);
      expect(docpush.output()).toContain('"starting":true,"msg":"shutdown requested"');
      expect(docpush.output()).toContain('"deadlineMs":3000,"msg":"clean shutdown took too long; exiting"');
    } finally {
      await holder.end();
    }
  });
});
