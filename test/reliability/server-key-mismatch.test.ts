import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp, type AppOptions, type RunningApp } from '../../src/app/app';
import { loadConfig } from '../../src/config/config';
import { startAppOnDatabase, startTestApp, TEST_ENV, type TestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { captureLogs, okData, postGraphQL, bearer } from '../security/security-support';
import { startListener, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { PushMessageState } from '../../src/delivery/push-message.entity';
import { createEnabledConnection, deleteAllConnections, fetchLogsOfMessage, fetchMessage, waitForMessageState, WAIT_TIMEOUT_MS } from './reliability-support';
import { newSecretKey } from './docpush-process';
import { dataOf } from '../support/test-app';
import {
  CreatePushConnectionDocument,
  PushConnectionDocument,
  PushConnectionsDocument,
  ResendPushMessageDocument,
  RotatePushConnectionSecretDocument,
  UploadFileDocument,
} from '../generated/graphql';
import { PushConnection } from '../../src/connections/push-connection.entity';
import { SecretBox } from '../../src/security/secret-box';
import { generateSigningSecret } from '../../src/signing/webhook-signature';
import { Webhook } from 'standardwebhooks';
import { REDACTED_FILE_DATA } from '../../src/delivery/push-payload';

let app: TestApp;
let seeded: SeededWorkspace;
let listener: TestListener;
let worker: RunningApp | null = null;
const secretKey = newSecretKey();

/** Starts a worker on the test database with the given server key, as a second host would run one. */
function startWorker(key: string, options: AppOptions = {}): Promise<RunningApp> {
  return startAppOnDatabase(
    app.databaseUrl,
    {
      DOCPUSH_ROLE: 'worker',
      DOCPUSH_SECRET_KEY: key,
      // Long enough that the first worker is stopped before it spends the message's last attempt.
      DOCPUSH_RETRY_SCHEDULE: '1s,1s,1s',
    },
    options,
  );
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

interface LogEntry {
  level: number;
  msg: string;
  reason?: string;
}

function logEntries(logs: { text(): string }): LogEntry[] {
  return logs.text().split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogEntry);
}

const CLAIMS_REJECTED = 'this worker claims no push messages';
const ROUND_SKIPPED = 'claim round skipped';
const JOB_HANDED_BACK = 'delivery job handed back';

/** Counts the captured log lines whose message contains `text`. */
function countLines(logs: { text(): string }, text: string): number {
  return logEntries(logs).filter((entry) => entry.msg.includes(text)).length;
}

/**
 * Waits until the worker whose logs these are has skipped two more claim rounds, or until the
 * message has left PENDING. The second round starts after the first has ended, so it would have
 * claimed the message if claims were allowed.
 */
async function waitForSkippedRounds(api: TestApp, logs: { text(): string }, messageId: string): Promise<void> {
  const skippedBefore = countLines(logs, ROUND_SKIPPED);
  await waitFor(async () => countLines(logs, ROUND_SKIPPED) >= skippedBefore + 2 || (await fetchMessage(api, messageId)).state !== PushMessageState.PENDING, {
    timeoutMs: WAIT_TIMEOUT_MS,
    description: `two skipped claim rounds or a claim of message ${messageId}`,
  });
}

/** Checks that no worker has claimed the message: still PENDING, no attempt, no push log row. */
async function expectUnclaimed(api: TestApp, messageId: string): Promise<void> {
  const message = await fetchMessage(api, messageId);
  expect(message.state).toBe(PushMessageState.PENDING);
  expect(message.attempts).toBe(0);
  expect(await fetchLogsOfMessage(api, messageId)).toHaveLength(0);
}

describe('a worker with another server key', () => {
  it('claims nothing, then the right key delivers', async () => {
    await deleteAllConnections(app);
    await createEnabledConnection(app, { url: listener.url, eventTypes: ['DocumentRecordUpdated'] });
    const record = await seedRecord(app, seeded);
    const requestsBefore = listener.requests.length;
    const logs = captureLogs();
    worker = await startWorker(newSecretKey(), { logger: logs.logger });

    const errors = logEntries(logs).filter((entry) => entry.level >= 50);
    expect(errors.map((entry) => entry.msg)).toEqual([expect.stringContaining(CLAIMS_REJECTED)]);
    expect(errors[0].msg).toContain('Set DOCPUSH_SECRET_KEY (or secret.key in DOCPUSH_DATA_DIR) to the key that the API processes use');
    expect(errors[0].reason).toContain('DOCPUSH_SECRET_KEY');

    const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    await waitForSkippedRounds(app, logs, messageIds[0]);

    await expectUnclaimed(app, messageIds[0]);
    expect(listener.requests).toHaveLength(requestsBefore);
    // The rejection is logged once, not on every skipped round.
    expect(logEntries(logs).filter((entry) => entry.level >= 50)).toHaveLength(1);
    const unready = await readiness(worker);
    expect(unready.status).toBe(503);
    expect(unready.body.failed).toEqual(['secrets']);
    expect(unready.body.checks.secrets.reason).toContain('DOCPUSH_SECRET_KEY');

    await worker.stop();
    worker = await startWorker(secretKey);
    expect((await readiness(worker)).status).toBe(200);
    const delivered = await waitForMessageState(app, messageIds[0], PushMessageState.SUCCEEDED);
    expect(delivered.attempts).toBe(1);
    const pushLogs = await fetchLogsOfMessage(app, messageIds[0]);
    expect(pushLogs.map((log) => log.responseCode)).toEqual([200]);
    await waitFor(() => listener.requests.length === requestsBefore + 1, { timeoutMs: WAIT_TIMEOUT_MS, description: 'the delivery with the right key' });
    expect(listener.requests[requestsBefore].headers['webhook-id']).toBe(messageIds[0]);
  });

  it('hands resends back to the job queue', async () => {
    await deleteAllConnections(app);
    await createEnabledConnection(app, { url: listener.url, eventTypes: ['DocumentRecordUpdated'] });
    const record = await seedRecord(app, seeded);
    const requestsBefore = listener.requests.length;
    worker = await startWorker(secretKey);
    const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    await waitForMessageState(app, messageIds[0], PushMessageState.SUCCEEDED);
    await worker.stop();

    const logs = captureLogs();
    worker = await startWorker(newSecretKey(), { logger: logs.logger });
    dataOf(await app.request(ResendPushMessageDocument, { id: messageIds[0] }));
    await waitFor(async () => countLines(logs, JOB_HANDED_BACK) > 0 || (await fetchLogsOfMessage(app, messageIds[0])).length > 1, {
      timeoutMs: WAIT_TIMEOUT_MS,
      description: 'the resend job handed back or run',
    });

    const untouched = await fetchMessage(app, messageIds[0]);
    expect(untouched.state).toBe(PushMessageState.SUCCEEDED);
    expect(untouched.attempts).toBe(1);
    expect(await fetchLogsOfMessage(app, messageIds[0])).toHaveLength(1);
    expect(listener.requests).toHaveLength(requestsBefore + 1);

    await worker.stop();
    worker = await startWorker(secretKey);
    await waitFor(async () => {
      const message = await fetchMessage(app, messageIds[0]);
      return message.attempts === 2 && message.state === PushMessageState.SUCCEEDED;
    }, {
      timeoutMs: WAIT_TIMEOUT_MS,
      description: 'the resend run by the worker with the right key',
    });
    const pushLogs = await fetchLogsOfMessage(app, messageIds[0]);
    expect(pushLogs.map((log) => log.responseCode)).toEqual([200, 200]);
    await waitFor(() => listener.requests.length === requestsBefore + 2, { timeoutMs: WAIT_TIMEOUT_MS, description: 'the resent request' });
  });

  it('keeps file data out of the log of an unsigned attempt', async () => {
    await deleteAllConnections(app);
    // The worker's key decrypts the secret of this connection, so it claims messages, but not the
    // current secret of the next one, whose attempts are logged as not sent.
    await createEnabledConnection(app, { url: listener.url, eventTypes: ['DocumentRecordCreated'] });
    const created = await createEnabledConnection(app, { url: listener.url, eventTypes: ['DocumentRecordUpdated'], attachFilesUploaded: true });
    const em = app.app.services.orm.em.fork();
    const stored = await em.findOneOrFail(PushConnection, Number(created.id));
    const foreignSealed = new SecretBox(Buffer.from(newSecretKey(), 'base64')).seal(generateSigningSecret());
    stored.signingSecrets = [{ sealed: foreignSealed, createdAt: new Date().toISOString(), expiresAt: null }];
    await em.flush();
    const record = await seedRecord(app, seeded);
    const contentBase64 = Buffer.from('confidential contract text, uploaded by the platform').toString('base64');
    dataOf(await app.request(UploadFileDocument, { input: { documentRecordId: String(record.id), fileName: 'contract.txt', mimeType: 'text/plain', contentBase64 } }));
    worker = await startWorker(secretKey);

    const { messageIds } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    const failed = await waitForMessageState(app, messageIds[0], PushMessageState.RETRY_SCHEDULED);

    expect(failed.lastResponseCode).toBe(0);
    const [log] = await fetchLogsOfMessage(app, messageIds[0]);
    expect(log.responseError).toContain('could not be signed');
    expect(log.requestBody).not.toContain(contentBase64);
    expect(JSON.parse(log.requestBody).files.uploaded[0].data).toBe(REDACTED_FILE_DATA);
  });
});

describe('a worker started before the first signing secret', () => {
  let freshApp: TestApp;
  let freshSeeded: SeededWorkspace;
  let freshWorker: RunningApp | null = null;

  beforeAll(async () => {
    freshApp = await startTestApp({ DOCPUSH_ROLE: 'api', DOCPUSH_SECRET_KEY: secretKey });
    freshSeeded = await seedWorkspace(freshApp);
  });

  afterEach(async () => {
    await freshWorker?.stop();
    freshWorker = null;
  });

  afterAll(async () => {
    await freshApp?.stop();
  });

  /** Starts a worker on the fresh database, like startWorker. */
  function startFreshWorker(key: string, options: AppOptions = {}): Promise<RunningApp> {
    return startAppOnDatabase(freshApp.databaseUrl, { DOCPUSH_ROLE: 'worker', DOCPUSH_SECRET_KEY: key }, options);
  }

  it('stops claiming once another key seals one', async () => {
    const requestsBefore = listener.requests.length;
    const logs = captureLogs();
    freshWorker = await startFreshWorker(newSecretKey(), { logger: logs.logger });
    // Without signing secrets in the database, any key passes.
    expect((await readiness(freshWorker)).status).toBe(200);
    expect(countLines(logs, CLAIMS_REJECTED)).toBe(0);

    await createEnabledConnection(freshApp, { url: listener.url, eventTypes: ['DocumentRecordUpdated'] });
    const record = await seedRecord(freshApp, freshSeeded);
    const { messageIds } = await recordEvent(freshApp, record, DocumentRecordEventType.DocumentRecordUpdated, freshSeeded.author);
    await waitForSkippedRounds(freshApp, logs, messageIds[0]);

    await expectUnclaimed(freshApp, messageIds[0]);
    expect(listener.requests).toHaveLength(requestsBefore);
    const errors = logEntries(logs).filter((entry) => entry.level >= 50);
    expect(errors.map((entry) => entry.msg)).toEqual([expect.stringContaining(CLAIMS_REJECTED)]);
    const unready = await readiness(freshWorker);
    expect(unready.status).toBe(503);
    expect(unready.body.failed).toEqual(['secrets']);
    expect(unready.body.checks.secrets.reason).toContain('DOCPUSH_SECRET_KEY');

    await freshWorker.stop();
    freshWorker = await startFreshWorker(secretKey);
    const delivered = await waitForMessageState(freshApp, messageIds[0], PushMessageState.SUCCEEDED);
    expect(delivered.attempts).toBe(1);
    await waitFor(() => listener.requests.length === requestsBefore + 1, { timeoutMs: WAIT_TIMEOUT_MS, description: 'the delivery with the right key' });
    expect(listener.requests[requestsBefore].headers['webhook-id']).toBe(messageIds[0]);
  });
});

describe('an API process with another server key', () => {
  let otherApi: RunningApp | null = null;

  afterEach(async () => {
    await otherApi?.stop();
    otherApi = null;
  });

  /** Sends `query` to the API process with the other key, with the workspace's admin key. */
  function requestOther(query: string, variables: Record<string, unknown>) {
    return postGraphQL(otherApi!.url!, query, variables, bearer(app.adminKey));
  }

  async function storedConnection(id: string) {
    const stored = await app.app.services.orm.em.fork().findOneOrFail(PushConnection, Number(id));
    return { signingSecrets: stored.signingSecrets, headers: stored.headers, name: stored.name };
  }

  it('rejects changes to secrets', async () => {
    await deleteAllConnections(app);
    const input = { name: 'Keyed listener', url: listener.url, eventTypes: ['DocumentRecordUpdated' as const], headers: [{ name: 'x-token', value: 'token-1', secret: true }] };
    const { id } = dataOf(await app.request(CreatePushConnectionDocument, { input })).createPushConnection;
    const before = await storedConnection(id);
    otherApi = await startAppOnDatabase(app.databaseUrl, { DOCPUSH_ROLE: 'api', DOCPUSH_SECRET_KEY: newSecretKey() });

    const unready = await readiness(otherApi);
    expect(unready.status).toBe(503);
    expect(unready.body.failed).toEqual(['secrets']);

    const rejected = {
      create: await requestOther('mutation ($input: CreatePushConnectionInput!) { createPushConnection(input: $input) { id } }', { input }),
      updateSecretHeader: await requestOther('mutation ($id: ID!, $input: UpdatePushConnectionInput!) { updatePushConnection(id: $id, input: $input) { id } }', {
        id,
        input: { headers: [{ name: 'x-token', value: 'token-2', secret: true }] },
      }),
      rotate: await requestOther('mutation ($id: ID!) { rotatePushConnectionSecret(id: $id) { id } }', { id }),
      readSigningSecret: await requestOther('query ($id: ID!) { pushConnection(id: $id) { signingSecret } }', { id }),
    };
    for (const [operation, response] of Object.entries(rejected)) {
      const [error] = response.body.errors ?? [];
      expect({ operation, code: error?.extensions?.code }).toEqual({ operation, code: 'SERVICE_UNAVAILABLE' });
      expect(error.message).toContain('another server key');
      expect(error.message).toContain('Start it with the DOCPUSH_SECRET_KEY (or the secret.key file) of the other docpush processes');
      expect(response.body.data ?? null).toBeNull();
    }

    expect(dataOf(await app.request(PushConnectionsDocument, { first: 100 })).pushConnections.totalCount).toBe(1);
    expect(await storedConnection(id)).toEqual(before);

    // A change without secrets does not depend on the key.
    const renamed = await requestOther('mutation ($id: ID!, $input: UpdatePushConnectionInput!) { updatePushConnection(id: $id, input: $input) { name } }', {
      id,
      input: { name: 'Renamed listener' },
    });
    expect(okData(renamed).updatePushConnection.name).toBe('Renamed listener');
  });
});

describe('a rotated-out secret that the server key cannot decrypt', () => {
  let repairListener: TestListener;

  beforeAll(async () => {
    repairListener = await startListener();
  });

  afterAll(async () => {
    await repairListener?.close();
  });

  const WARNING = 'signing without previous signing secrets that the server key cannot decrypt';

  it('is skipped after a rotation', async () => {
    await deleteAllConnections(app);
    const created = await createEnabledConnection(app, { url: repairListener.url });
    // What a rotation on a process with another server key stores: the old secret in its grace
    // period, and a current secret sealed under that other key.
    const foreignSecret = generateSigningSecret();
    const foreignSealed = new SecretBox(Buffer.from(newSecretKey(), 'base64')).seal(foreignSecret);
    const em = app.app.services.orm.em.fork();
    const stored = await em.findOneOrFail(PushConnection, Number(created.id));
    const graceEnd = new Date(Date.now() + 24 * 60 * 60 * 1000).toISOString();
    stored.signingSecrets = [
      { ...stored.signingSecrets[0], expiresAt: graceEnd },
      { sealed: foreignSealed, createdAt: new Date().toISOString(), expiresAt: null },
    ];
    await em.flush();

    expect((await readiness(app.app)).status).toBe(200);
    const unreadable = await app.request(PushConnectionDocument, { id: created.id });
    expect(unreadable.errors?.[0].extensions?.code).toBe('CONFLICT');
    expect(unreadable.errors?.[0].message).toContain(`The current signing secret of push connection ${created.id} cannot be decrypted`);
    expect(unreadable.errors?.[0].message).toContain('Replace it with rotatePushConnectionSecret');

    const rotated = dataOf(await app.request(RotatePushConnectionSecretDocument, { id: created.id })).rotatePushConnectionSecret;
    const logs = captureLogs();
    worker = await startWorker(secretKey, { logger: logs.logger });
    const record = await seedRecord(app, seeded);
    const first = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    await waitForMessageState(app, first.messageIds[0], PushMessageState.SUCCEEDED);
    const second = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author);
    await waitForMessageState(app, second.messageIds[0], PushMessageState.SUCCEEDED);

    const requests = await repairListener.waitForRequests(2, WAIT_TIMEOUT_MS);
    for (const request of requests) {
      expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(2);
      expect(new Webhook(rotated.signingSecret).verify(request.body, request.headers as Record<string, string>)).toEqual(JSON.parse(request.body));
      expect(new Webhook(created.signingSecret).verify(request.body, request.headers as Record<string, string>)).toEqual(JSON.parse(request.body));
    }

    const warnings = logs
      .text()
      .split('\n')
      .filter((line) => line.includes(WARNING))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, connectionId: Number(created.id), workspaceId: seeded.workspaceId });
    for (const secret of [foreignSecret, foreignSealed, rotated.signingSecret, created.signingSecret]) expect(logs.text()).not.toContain(secret);
  });
});

describe('a process that finds no server key file', () => {
  const originalCwd = process.cwd();
  let database: TestDatabase;
  let projectDir: string;
  let otherDir: string;
  let running: RunningApp | null = null;

  /**
   * Starts docpush with the working directory `cwd` and the default relative data directory,
   * as `npm start` run from that folder would. The working directory is restored afterwards.
   */
  async function startFrom(cwd: string, env: Record<string, string> = {}, logger = captureLogs().logger): Promise<RunningApp> {
    process.chdir(cwd);
    try {
      const config = loadConfig({ ...TEST_ENV, DATABASE_URL: database.url, DOCPUSH_DATA_DIR: '.data', ...env });
      return await startApp(config, { logger });
    } finally {
      process.chdir(originalCwd);
    }
  }

  async function readinessStatus(app: RunningApp): Promise<number> {
    return (await fetch(`${app.monitoringUrl}/readyz`)).status;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    projectDir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'docpush-project-')));
    otherDir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'docpush-elsewhere-')));
  });

  afterEach(async () => {
    process.chdir(originalCwd);
    await running?.stop();
    running = null;
  });

  afterAll(async () => {
    await database?.drop();
    for (const dir of [projectDir, otherDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rejects a start without the key file', async () => {
    const projectKeyFile = path.join(projectDir, '.data', 'secret.key');
    const otherKeyFile = path.join(otherDir, '.data', 'secret.key');

    // A fresh database: the key is generated as before, and the start-up log names its absolute path.
    const firstLogs = captureLogs();
    running = await startFrom(projectDir, {}, firstLogs.logger);
    expect(fs.existsSync(projectKeyFile)).toBe(true);
    const key = fs.readFileSync(projectKeyFile, 'utf8').trim();
    const dataDirLine = firstLogs
      .text()
      .split('\n')
      .filter((line) => line.includes('data directory and server key'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(dataDirLine).toEqual([expect.objectContaining({ level: 30, dataDir: path.join(projectDir, '.data'), serverKeyFile: projectKeyFile })]);
    expect(firstLogs.text()).not.toContain(key);

    const created = await postGraphQL(
      running.url!,
      'mutation ($input: CreatePushConnectionInput!) { createPushConnection(input: $input) { id } }',
      { input: { name: 'Stored secret', url: 'http://127.0.0.1:9/webhook', eventTypes: ['DocumentRecordUpdated'] } },
      bearer(running.firstAdminKey!),
    );
    okData(created);
    await running.stop();
    running = null;

    // Another working directory, and an absolute data directory without a key file.
    const emptyDir = path.join(otherDir, 'empty-data');
    const attempts: Array<{ cwd: string; env: Record<string, string>; keyFile: string }> = [
      { cwd: otherDir, env: {}, keyFile: otherKeyFile },
      { cwd: projectDir, env: { DOCPUSH_DATA_DIR: emptyDir }, keyFile: path.join(emptyDir, 'secret.key') },
    ];
    for (const attempt of attempts) {
      const failure = await startFrom(attempt.cwd, attempt.env).then(
        (app) => {
          running = app;
          return null;
        },
        (error: Error) => error,
      );

      expect(failure).toBeInstanceOf(Error);
      expect(failure!.message).toContain(`No server key: ${attempt.keyFile} does not exist and DOCPUSH_SECRET_KEY is not set`);
      expect(failure!.message).toContain('the database already contains secrets encrypted with a server key');
      expect(failure!.message).toContain(`DOCPUSH_DATA_DIR resolved to ${path.dirname(attempt.keyFile)}`);
      expect(failure!.message).toContain('start docpush from the folder it ran from before');
      expect(failure!.message).toContain('set DOCPUSH_DATA_DIR to the absolute path of the folder that contains secret.key');
      expect(failure!.message).toContain('or set DOCPUSH_SECRET_KEY to the original key');
      expect(failure!.message).not.toContain(key);
      expect(fs.existsSync(attempt.keyFile)).toBe(false);
    }

    // The original folder, or the original key from anywhere, starts and can decrypt the secrets.
    running = await startFrom(projectDir);
    expect(await readinessStatus(running)).toBe(200);
    await running.stop();
    running = null;

    running = await startFrom(otherDir, { DOCPUSH_SECRET_KEY: key });
    expect(await readinessStatus(running)).toBe(200);
    expect(fs.existsSync(otherKeyFile)).toBe(false);
  });
});
