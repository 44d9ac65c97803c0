import net from 'node:net';
import { startTestApp, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { SWEEP_JOB } from '../../src/jobs/sweeper.job';
import { RETENTION_JOB } from '../../src/jobs/retention.job';
import { createEnabledConnection, fetchLogsOfMessage, fetchMessage, WAIT_TIMEOUT_MS } from './reliability-support';
import { newSecretKey, startDocpushProcess, type DocpushProcess } from './docpush-process';

// Each test waits for deliveries and child processes with deadlines of its own; this bounds the whole test.
jest.setTimeout(180_000);

const RESPONSE_DELAY_MS = 1500;
const ATTEMPT_TIMEOUT_MS = 5000;

let app: TestApp;
let seeded: SeededWorkspace;
let listener: TestListener;
let worker: DocpushProcess | null = null;
const secretKey = newSecretKey();

beforeAll(async () => {
  app = await startTestApp({ DOCPUSH_ROLE: 'api', DOCPUSH_SECRET_KEY: secretKey });
  seeded = await seedWorkspace(app);
  // Responds to each request after a delay, long enough for the test to stop the worker meanwhile.
  listener = await startListener((_request, response) => {
    setTimeout(() => {
      response.writeHead(200);
      response.end('ok');
    }, RESPONSE_DELAY_MS);
  });
});

afterEach(async () => {
  await worker?.kill('SIGKILL');
  worker = null;
});

afterAll(async () => {
  await listener?.close();
  await app?.stop();
});

function workerEnv(): Record<string, string> {
  return {
    DATABASE_URL: app.databaseUrl,
    DOCPUSH_SECRET_KEY: secretKey,
    DOCPUSH_ROLE: 'worker',
    DOCPUSH_ALLOW_HTTP: 'true',
    DOCPUSH_ALLOWED_CIDRS: '127.0.0.0/8',
    DOCPUSH_ATTEMPT_TIMEOUT: `${ATTEMPT_TIMEOUT_MS}ms`,
    // A poll locks the jobs due before the next poll and runs them on a timer. With a sweep
    // interval that is no multiple of the poll interval, the worker holds the sweeper job locked
    // ahead of its run for a few hundred milliseconds of each sweep interval.
    DOCPUSH_JOB_POLL_INTERVAL: '500ms',
    DOCPUSH_SWEEP_INTERVAL: '1250ms',
  };
}

async function readJobs(): Promise<Array<{ name: string; locked_at: Date | null }>> {
  return app.app.services.orm.em.fork().execute(`select name, locked_at from agenda_jobs`);
}

describe('graceful shutdown', () => {
  it('finishes the attempt in flight on SIGTERM', async () => {
    await createEnabledConnection(app, { url: listener.url });
    const record = await seedRecord(app, seeded);
    worker = await startDocpushProcess(workerEnv());

    const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    const [messageId] = messageIds;
    await listener.waitForRequests(1, WAIT_TIMEOUT_MS);
    const stoppedAt = Date.now();
    const exit = await worker.kill('SIGTERM');

    expect(exit).toEqual({ code: 0, signal: null });
    // The process exits once the attempt is recorded, well before the drain deadline.
    expect(Date.now() - stoppedAt).toBeLessThan(ATTEMPT_TIMEOUT_MS);
    expect(worker.output()).toContain('"msg":"docpush stopped"');

    const message = await fetchMessage(app, messageId);
    expect(message.state).toBe('SUCCEEDED');
    const [log] = await fetchLogsOfMessage(app, messageId);
    expect(log.outcome).toBe('SUCCEEDED');
    expect(log.durationMs).toBeGreaterThanOrEqual(RESPONSE_DELAY_MS - 100);

    const jobs = await readJobs();
    expect(jobs.map((job) => job.name)).toEqual(expect.arrayContaining([SWEEP_JOB, RETENTION_JOB]));
    expect(jobs.filter((job) => job.locked_at !== null)).toEqual([]);
  });

  it('unlocks jobs held ahead of their run time', async () => {
    worker = await startDocpushProcess(workerEnv());
    const lockedAhead = async () => {
      const rows: unknown[] = await app.app.services.orm.em
        .fork()
        .execute(
          `select id from agenda_jobs
            where name = ? and locked_at is not null and (last_run_at is null or last_run_at < locked_at)
              and next_run_at > now() + interval '150 milliseconds'`,
          [SWEEP_JOB],
        );
      return rows.length > 0;
    };
    await waitFor(lockedAhead, { timeoutMs: WAIT_TIMEOUT_MS, description: 'the worker to lock the sweeper job ahead of its run time' });

    expect(await worker.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    expect((await readJobs()).filter((job) => job.locked_at !== null)).toEqual([]);
  });
});

/**
 * Sends the headers and the start of the body of a GraphQL request to `url` and nothing more, so
 * that the server's HTTP stop waits its grace period (10 s in Apollo Server 5) for the request.
 */
async function openStalledRequest(url: string, apiKey: string): Promise<net.Socket> {
  const { hostname, port, pathname } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.on('error', () => undefined);
  socket.write(
    `POST ${pathname} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${apiKey}\r\n` +
      'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"query":"',
  );
  return socket;
}

describe('stop with an HTTP request in flight', () => {
  const attemptTimeoutMs = 25_000;
  // Above the drain deadline of 26 s, so the setting is valid.
  const shutdownTimeoutMs = 30_000;
  // Due while the HTTP stop still waits for the stalled request.
  const retryDelayMs = 6_000;

  it('drains the worker by the deadline', async () => {
    // The first attempt fails at once, and its retry gets no response until the drain deadline ends it.
    const holding = await startListener((_request, response) => {
      if (holding.requests.length > 1) return;
      response.writeHead(500);
      response.end('failed');
    });
    let stalled: net.Socket | null = null;
    try {
      await createEnabledConnection(app, { url: holding.url });
      const record = await seedRecord(app, seeded);
      worker = await startDocpushProcess({
        ...workerEnv(),
        DOCPUSH_ROLE: 'all',
        DOCPUSH_ATTEMPT_TIMEOUT: `${attemptTimeoutMs}ms`,
        DOCPUSH_SHUTDOWN_TIMEOUT: `${shutdownTimeoutMs}ms`,
        DOCPUSH_RETRY_SCHEDULE: `${retryDelayMs}ms`,
      });
      const workerUrl = /"url":"([^"]+)"[^\n]*"msg":"docpush is ready"/.exec(worker.output())![1];
      stalled = await openStalledRequest(workerUrl, app.adminKey);

      await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
      await holding.waitForRequests(1, WAIT_TIMEOUT_MS);
      const exiting = worker.kill('SIGTERM');
      // The retry starts during the HTTP stop, so its request is still open at the drain deadline.
      await holding.waitForRequests(2, WAIT_TIMEOUT_MS);
      const exit = await exiting;

      expect(worker.output()).not.toContain('clean shutdown took too long');
      expect(exit).toEqual({ code: 0, signal: null });
    } finally {
      stalled?.destroy();
      await holding.close();
    }
  });
});
