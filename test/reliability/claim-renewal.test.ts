import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { startAppOnDatabase, startTestApp, dataOf, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { recordEvent, seedRecord, seedWorkspace, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { createEnabledConnection, deleteAllConnections, fetchLogsOfMessage, waitForMessageState } from './reliability-support';
import { DocumentRecordEventType } from '../../src/records/event-type';
import type { RunningApp } from '../../src/app/app';
import type { DocumentRecord } from '../../src/records/document-record.entity';
import { ResendPushMessageDocument, UploadFileDocument } from '../generated/graphql';

jest.setTimeout(90_000);

// An attempt that runs longer than the stale period of its claim, on a live worker, must not be
// taken over. The attempt is made slow without blocking the event loop. The test's own
// transaction holds an ACCESS EXCLUSIVE lock on uploaded_files, as a VACUUM FULL or an ALTER
// TABLE would, so the attempt waits in PostgreSQL while it loads the files to attach.

/** Claims go stale after 1.5 s. Two workers poll every 200 ms and sweep every 300 ms, so a stale claim is taken over at once. */
const SETTINGS = {
  DOCPUSH_ATTEMPT_TIMEOUT: '300ms',
  DOCPUSH_JOB_LOCK_LIFETIME: '1500ms',
  DOCPUSH_JOB_POLL_INTERVAL: '200ms',
  DOCPUSH_SWEEP_INTERVAL: '300ms',
  DOCPUSH_RETRY_SCHEDULE: '1m',
};
const STALE_AFTER_MS = 1500;
/** How long the attempt waits for the files: three stale periods. */
const SLOW_STEP_MS = 3 * STALE_AFTER_MS;
/** Time for attempts that a takeover started to reach the listener and write their rows once the lock is gone. */
const SETTLE_MS = 1500;

let app: TestApp;
let secondWorker: RunningApp;
let seeded: SeededWorkspace;
let listener: TestListener;
/** Holds the lock on uploaded_files in an open transaction. */
let locker: pg.Client;
/** Warnings and errors that either docpush process logged, parsed. */
const warnings: Array<{ level: number; msg: string; err?: { message: string } }> = [];
const secretKey = randomBytes(32).toString('base64');

function warningLogger() {
  return pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line) as (typeof warnings)[number]) });
}

beforeAll(async () => {
  app = await startTestApp({ ...SETTINGS, DOCPUSH_SECRET_KEY: secretKey }, { logger: warningLogger() });
  secondWorker = await startAppOnDatabase(app.databaseUrl, { ...SETTINGS, DOCPUSH_ROLE: 'worker', DOCPUSH_SECRET_KEY: secretKey }, { logger: warningLogger() });
  seeded = await seedWorkspace(app);
  listener = await startListener();
  locker = new pg.Client({ connectionString: app.databaseUrl });
  await locker.connect();
});

afterEach(async () => {
  await locker.query('rollback');
  await deleteAllConnections(app);
  listener.requests.length = 0;
  warnings.length = 0;
});

afterAll(async () => {
  await locker?.end();
  await secondWorker?.stop();
  await listener?.close();
  await app?.stop();
});

/** Creates a record with one uploaded file and a connection that attaches uploaded files, and returns the record. */
async function recordWithUploadedFile(): Promise<DocumentRecord> {
  const record = await seedRecord(app, seeded);
  const input = { documentRecordId: String(record.id), fileName: 'annex.pdf', mimeType: 'application/pdf', contentBase64: randomBytes(2048).toString('base64') };
  dataOf(await app.request(UploadFileDocument, { input, actingUserId: String(seeded.author.id) }));
  await createEnabledConnection(app, { url: listener.url, attachFilesUploaded: true });
  return record;
}

async function lockUploadedFiles(): Promise<void> {
  await locker.query('begin');
  await locker.query('lock table uploaded_files in access exclusive mode');
}

/** Waits until an attempt waits for the lock on uploaded_files, then keeps it waiting for SLOW_STEP_MS and releases the lock. */
async function holdAttemptInFileLoad(): Promise<void> {
  const lockerPid = (await locker.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
  await waitFor(
    async () => {
      const blocked = await app.app.services.orm.em
        .fork()
        .execute(`select pid from pg_stat_activity where datname = current_database() and ? = any(pg_blocking_pids(pid))`, [lockerPid]);
      return blocked.length > 0;
    },
    { timeoutMs: 20_000, description: 'the attempt to wait for the lock on uploaded_files' },
  );
  await new Promise((resolve) => setTimeout(resolve, SLOW_STEP_MS));
  await locker.query('commit');
}

async function readMessageRow(messageId: string): Promise<{ state: string; attempts: number }> {
  const rows: Array<{ state: string; attempts: number }> = await app.app.services.orm.em
    .fork()
    .execute(`select state, attempts from push_messages where id = ?`, [messageId]);
  return rows[0];
}

function takeoverWarnings(): string[] {
  return warnings.filter((entry) => entry.msg.includes('taken over')).map((entry) => entry.msg);
}

/** Errors logged, such as Agenda cancelling a job that outlived its lock. */
function loggedErrors(): string[] {
  return warnings.filter((entry) => entry.level >= 50).map((entry) => `${entry.msg}: ${entry.err?.message ?? ''}`);
}

describe('attempt slower than the stale period', () => {
  it('is not taken over (dispatcher)', async () => {
    const record = await recordWithUploadedFile();
    await lockUploadedFiles();
    const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    const [messageId] = messageIds;

    await holdAttemptInFileLoad();
    await waitForMessageState(app, messageId, 'SUCCEEDED');
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

    expect(listener.requests).toHaveLength(1);
    expect(await readMessageRow(messageId)).toEqual({ state: 'SUCCEEDED', attempts: 1 });
    const logs = await fetchLogsOfMessage(app, messageId);
    expect(logs.map((log) => [log.attempt, log.outcome])).toEqual([[1, 'SUCCEEDED']]);
    expect(takeoverWarnings()).toEqual([]);
    expect(loggedErrors()).toEqual([]);
  });

  it('is not taken over (resend)', async () => {
    const record = await recordWithUploadedFile();
    const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    const [messageId] = messageIds;
    await waitForMessageState(app, messageId, 'SUCCEEDED');
    await listener.waitForRequests(1);

    await lockUploadedFiles();
    dataOf(await app.request(ResendPushMessageDocument, { id: messageId }));
    await holdAttemptInFileLoad();
    await waitFor(async () => (await readMessageRow(messageId)).state === 'SUCCEEDED' && (await fetchLogsOfMessage(app, messageId)).length >= 2, {
      timeoutMs: 20_000,
      description: 'the resent attempt to be written',
    });
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

    expect(listener.requests).toHaveLength(2);
    expect(await readMessageRow(messageId)).toEqual({ state: 'SUCCEEDED', attempts: 2 });
    const logs = await fetchLogsOfMessage(app, messageId);
    expect(logs.map((log) => [log.attempt, log.outcome])).toEqual([
      [1, 'SUCCEEDED'],
      [2, 'SUCCEEDED'],
    ]);
    expect(takeoverWarnings()).toEqual([]);
    expect(loggedErrors()).toEqual([]);
  });
});
