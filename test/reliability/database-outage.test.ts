import pg from 'pg';
import pino from 'pino';
import { startTestApp, type TestApp } from '../support/test-app';
import { reopenDatabase, closeDatabase } from '../support/test-database';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { DocumentRecordEventType } from '../../src/records/event-type';
import {
  createEnabledConnection,
  deleteAllConnections,
  fetchLogsOfMessage,
  startHoldingListener,
  waitForMessageState,
  type HoldingListener,
} from './reliability-support';

jest.setTimeout(60_000);

// Claims go stale after 10 s, so a write that is not repeated shows as a second request after that.
const LOCK_LIFETIME_MS = 10_000;
// A write is repeated only while a pool connection wait (this long) would end before its give-up time.
const ACQUIRE_TIMEOUT_MS = 1000;

let app: TestApp;
let seeded: SeededWorkspace;
let listener: HoldingListener;
let closedDatabase: string | null = null;
const logLines: string[] = [];

beforeAll(async () => {
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logLines.push(line) });
  app = await startTestApp(
    {
      DOCPUSH_JOB_LOCK_LIFETIME: `${LOCK_LIFETIME_MS}ms`,
      DOCPUSH_DB_CONNECT_TIMEOUT: `${ACQUIRE_TIMEOUT_MS}ms`,
      DOCPUSH_DB_ACQUIRE_TIMEOUT: `${ACQUIRE_TIMEOUT_MS}ms`,
    },
    { logger },
  );
  seeded = await seedWorkspace(app);
  listener = await startHoldingListener();
});

afterAll(async () => {
  if (closedDatabase) await reopenDatabase(closedDatabase);
  await listener?.close();
  await app?.stop();
});

describe('database outage during an attempt', () => {
  it('records the response once the database is back', async () => {
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

describe('database outage after a claim renewal', () => {
  let heldListener: HoldingListener | null = null;
  let lock: pg.Client | null = null;

  afterEach(async () => {
    await lock?.end();
    lock = null;
    await heldListener?.close();
    heldListener = null;
  });

  async function readUpdatedAt(messageId: string): Promise<number> {
    const rows: Array<{ updated_at: Date }> = await app.app.services.orm.em.fork().execute(`select updated_at from push_messages where id = ?`, [messageId]);
    return new Date(rows[0].updated_at).getTime();
  }

  it('keeps repeating after a renewal', async () => {
    await deleteAllConnections(app);
    heldListener = await startHoldingListener();
    await createEnabledConnection(app, { url: heldListener.url });
    const record = await seedRecord(app, seeded);
    const [messageId] = (await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author)).messageIds;
    await heldListener.waitForRequests(1);
    const claimedAt = await readUpdatedAt(messageId);
    // The write's give-up time as counted from the claim alone: a tenth of the lock lifetime, at least 1 s, before it.
    const claimGiveUpAt = claimedAt + LOCK_LIFETIME_MS - Math.max(1000, LOCK_LIFETIME_MS / 10);

    // The lock holds the attempt's write back while the claim renewer, which writes only
    // push_messages, renews the claim.
    lock = new pg.Client({ connectionString: app.databaseUrl });
    // closeDatabase ends this session too, and an unhandled 'error' event would end the test process.
    lock.on('error', () => undefined);
    await lock.connect();
    await lock.query('begin');
    await lock.query('lock table push_logs in share mode');
    heldListener.release(200);
    // A renewal at least half the lock lifetime after the claim puts the give-up time counted
    // from it seconds after claimGiveUpAt.
    await waitFor(async () => (await readUpdatedAt(messageId)) >= claimedAt + LOCK_LIFETIME_MS / 2, {
      timeoutMs: LOCK_LIFETIME_MS,
      description: 'a renewal of the claim half the lock lifetime after it',
    });

    closedDatabase = await closeDatabase(app.databaseUrl);
    const repeated = (line: string) => line.includes('writing these attempts again') && line.includes(messageId);
    const givenUp = (line: string) => line.includes('these attempts are not written') && line.includes(messageId);
    await waitFor(() => logLines.some((line) => repeated(line) || givenUp(line)), { description: 'the attempt write to fail' });
    // The claim's give-up time is the point under test, so this waits for the clock to pass it.
    await waitFor(() => Date.now() > claimGiveUpAt, { timeoutMs: LOCK_LIFETIME_MS, description: 'the give-up time counted from the claim' });
    expect(logLines.filter(givenUp)).toEqual([]);
    expect(logLines.filter(repeated)).toHaveLength(1);
    await reopenDatabase(closedDatabase);
    closedDatabase = null;

    const message = await waitForMessageState(app, messageId, 'SUCCEEDED');
    expect(message.attempts).toBe(1);
    const logs = await fetchLogsOfMessage(app, messageId);
    expect(logs.map((log) => [log.attempt, log.responseCode, log.outcome])).toEqual([[1, 200, 'SUCCEEDED']]);
    expect(heldListener.requests).toHaveLength(1);
  });
});
