import pg from 'pg';
import pino from 'pino';
import { startTestApp, type TestApp } from '../support/test-app';
import { seedWorkspace, seedRecord, recordEvent } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { createEnabledConnection, fetchLogsOfMessage, startHoldingListener, waitForMessageState, type HoldingListener } from './reliability-support';

jest.setTimeout(60_000);

// Claims go stale after 10 s, so a write that is not repeated shows as a second request after that.
const LOCK_LIFETIME = '10s';

let app: TestApp;
let listener: HoldingListener;
let databaseName: string;
const logLines: string[] = [];

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

beforeAll(async () => {
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logLines.push(line) });
  app = await startTestApp({ DOCPUSH_JOB_LOCK_LIFETIME: LOCK_LIFETIME }, { logger });
  databaseName = new URL(app.databaseUrl).pathname.slice(1);
  listener = await startHoldingListener();
});

afterAll(async () => {
  await runAdminQuery(`alter database ${databaseName} allow_connections true`);
  await listener?.close();
  await app?.stop();
});

describe('database outage during an attempt', () => {
  it('records the response once the database is back', async () => {
    const seeded = await seedWorkspace(app);
    await createEnabledConnection(app, { url: listener.url });
    const record = await seedRecord(app, seeded);
    const [messageId] = (await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author)).messageIds;
    await listener.waitForRequests(1);

    // The listener responds while the database refuses sessions, so the attempt's write fails.
    await runAdminQuery(`alter database ${databaseName} allow_connections false`);
    await runAdminQuery('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [databaseName]);
    listener.release(200);
    await waitFor(() => logLines.some((line) => line.includes('writing these attempts again')), { description: 'the failed attempt write' });
    await runAdminQuery(`alter database ${databaseName} allow_connections true`);

    const message = await waitForMessageState(app, messageId, 'SUCCEEDED');
    expect(message.attempts).toBe(1);
    const logs = await fetchLogsOfMessage(app, messageId);
    expect(logs.map((log) => [log.attempt, log.responseCode, log.outcome])).toEqual([[1, 200, 'SUCCEEDED']]);
    expect(listener.requests).toHaveLength(1);
  });
});
