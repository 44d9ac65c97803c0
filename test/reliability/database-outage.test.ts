import pino from 'pino';
import { startTestApp, type TestApp } from '../support/test-app';
import { reopenDatabase, closeDatabase } from '../support/test-database';
import { seedWorkspace, seedRecord, recordEvent } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { createEnabledConnection, fetchLogsOfMessage, startHoldingListener, waitForMessageState, type HoldingListener } from './reliability-support';

jest.setTimeout(60_000);

// Claims go stale after 10 s, so a write that is not repeated shows as a second request after that.
const LOCK_LIFETIME = '10s';

let app: TestApp;
let listener: HoldingListener;
let closedDatabase: string | null = null;
const logLines: string[] = [];

beforeAll(async () => {
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logLines.push(line) });
  app = await startTestApp({ DOCPUSH_JOB_LOCK_LIFETIME: LOCK_LIFETIME }, { logger });
  listener = await startHoldingListener();
});

afterAll(async () => {
  if (closedDatabase) await reopenDatabase(closedDatabase);
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
    closedDatabase = await closeDatabase(app.databaseUrl);
    listener.release(200);
    await waitFor(() => logLines.some((line) => line.includes('writing these attempts again')), { description: 'the failed attempt write' });
    await reopenDatabase(closedDatabase);
    closedDatabase = null;

    const message = await waitForMessageState(app, messageId, 'SUCCEEDED');
    expect(message.attempts).toBe(1);
    const logs = await fetchLogsOfMessage(app, messageId);
    expect(logs.map((log) => [log.attempt, log.responseCode, log.outcome])).toEqual([[1, 200, 'SUCCEEDED']]);
    expect(listener.requests).toHaveLength(1);
  });
});
