import type { RunningApp } from '../../src/app/app';
import { startAppOnDatabase, startTestApp, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { PushMessageState } from '../../src/delivery/push-message.entity';
import { createEnabledConnection, fetchLogsOfMessage, waitForMessageState, WAIT_TIMEOUT_MS } from './reliability-support';
import { newSecretKey } from './docpush-process';

let app: TestApp;
let seeded: SeededWorkspace;
let listener: TestListener;
let worker: RunningApp | null = null;
const secretKey = newSecretKey();

/** Starts a worker on the test database with the given server key, as a second host would run one. */
function startWorker(key: string): Promise<RunningApp> {
  return startAppOnDatabase(app.databaseUrl, {
    DOCPUSH_ROLE: 'worker',
    DOCPUSH_SECRET_KEY: key,
    // Long enough that the first worker is stopped before it spends the message's last attempt.
    DOCPUSH_RETRY_SCHEDULE: '1s,1s,1s',
  });
}

async function readiness(running: RunningApp) {
  const response = await fetch(`${running.monitoringUrl}/readyz`);
  return { status: response.status, body: (await response.json()) as { failed: string[]; checks: Record<string, { reason?: string }> } };
}

beforeAll(async () => {
  // This process serves the API only, so the deliveries run in the worker each test starts.
  app = await startTestApp({ DOCPUSH_ROLE: 'api', DOCPUSH_SECRET_KEY: secretKey });
  seeded = await seedWorkspace(app);
  listener = await startListener();
});

afterEach(async () => {
  await worker?.stop();
  worker = null;
});

afterAll(async () => {
  await listener?.close();
  await app?.stop();
});

describe('a worker with another server key', () => {
  it('logs unsigned attempts, then delivers with the right key', async () => {
    await createEnabledConnection(app, { url: listener.url, eventTypes: ['DocumentRecordUpdated'] });
    const record = await seedRecord(app, seeded);
    worker = await startWorker(newSecretKey());

    const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    const failed = await waitForMessageState(app, messageIds[0], PushMessageState.RETRY_SCHEDULED);

    expect(failed.lastResponseCode).toBe(0);
    expect(failed.lastError).toContain('could not be signed');
    const [log] = await fetchLogsOfMessage(app, messageIds[0]);
    expect(log.responseCode).toBe(0);
    expect(log.responseError).toContain('DOCPUSH_SECRET_KEY');
    expect(listener.requests).toHaveLength(0);
    const unready = await readiness(worker);
    expect(unready.status).toBe(503);
    expect(unready.body.failed).toEqual(['secrets']);
    expect(unready.body.checks.secrets.reason).toContain('DOCPUSH_SECRET_KEY');

    await worker.stop();
    worker = await startWorker(secretKey);
    expect((await readiness(worker)).status).toBe(200);
    await waitForMessageState(app, messageIds[0], PushMessageState.SUCCEEDED);
    await waitFor(() => listener.requests.length === 1, { timeoutMs: WAIT_TIMEOUT_MS, description: 'the delivery with the right key' });
    expect(listener.requests[0].headers['webhook-id']).toBe(messageIds[0]);
  });
});
