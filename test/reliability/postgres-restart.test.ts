import os from 'node:os';
import path from 'node:path';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { print, type ExecutionResult } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import pino from 'pino';
import { findFreePort } from '../../src/database/embedded-postgres';
import { loadConfig } from '../../src/config/config';
import { startApp, type RunningApp } from '../../src/app/app';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { PushMessage, PushMessageState } from '../../src/delivery/push-message.entity';
import { TEST_ENV, dataOf, type TestApp } from '../support/test-app';
import { startListener, type TestListener } from '../support/listener';
import { seedWorkspace, seedRecord, recordEvent } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { WAIT_TIMEOUT_MS } from './reliability-support';
import { CreatePushConnectionDocument, EnablePushConnectionDocument } from '../generated/graphql';
import { newSecretKey, startDocpushProcess, startPostgresProcess, type DocpushProcess, type PostgresProcess } from './docpush-process';

// Each test waits for deliveries and child processes with deadlines of its own; this bounds the whole test.
jest.setTimeout(180_000);

const EVENTS_BEFORE_RESTART = 8;
const EVENTS_AFTER_RESTART = 4;

let folder: string;
let port: number;
let postgres: PostgresProcess | null = null;
let running: RunningApp | null = null;
let worker: DocpushProcess | null = null;
let listener: TestListener;
const secretKey = newSecretKey();

/** Settings of both processes: short time-outs, so that abandoned attempts are taken over quickly. */
const SETTINGS = {
  DOCPUSH_SECRET_KEY: secretKey,
  DOCPUSH_ATTEMPT_TIMEOUT: '1s',
  DOCPUSH_JOB_LOCK_LIFETIME: '2s',
  DOCPUSH_JOB_POLL_INTERVAL: '500ms',
  DOCPUSH_SWEEP_INTERVAL: '300ms',
  DOCPUSH_SWEEP_GRACE: '300ms',
  DOCPUSH_RETRY_SCHEDULE: '200ms,400ms,800ms,1s,1s,1s,1s,1s',
};

function startPostgres(): Promise<PostgresProcess> {
  // The same folder and port on every start, so the restarted server has the data and the URL.
  return startPostgresProcess(path.join(folder, 'postgres'), port);
}

async function request<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables: TVariables): Promise<TResult> {
  const response = await fetch(running!.url!, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${running!.firstAdminKey}` },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return dataOf((await response.json()) as ExecutionResult<TResult>);
}

beforeAll(async () => {
  folder = mkdtempSync(path.join(os.tmpdir(), 'docpush-restart-'));
  // When the tests run as root, PostgreSQL runs as the `postgres` user, which must reach the folder.
  chmodSync(folder, 0o755);
  port = await findFreePort();
  postgres = await startPostgres();
  listener = await startListener((_request, response) => {
    setTimeout(() => {
      response.writeHead(200);
      response.end('ok');
    }, 50);
  });
  // This process serves the API; the worker runs in a child process, where an error that
  // escaped a database client would end the process instead of being caught by Jest.
  const config = loadConfig({ ...TEST_ENV, ...SETTINGS, DATABASE_URL: postgres.url, DOCPUSH_DATA_DIR: folder, DOCPUSH_ROLE: 'api' });
  running = await startApp(config, { logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
  worker = await startDocpushProcess({
    ...SETTINGS,
    DATABASE_URL: postgres.url,
    DOCPUSH_ROLE: 'worker',
    DOCPUSH_ALLOW_HTTP: 'true',
    DOCPUSH_ALLOWED_CIDRS: '127.0.0.0/8',
  });
}, 120_000);

afterAll(async () => {
  await worker?.kill('SIGKILL');
  await running?.stop().catch(() => undefined);
  await postgres?.stop();
  await listener?.close();
  rmSync(folder, { recursive: true, force: true });
});

async function countByState(): Promise<Map<string, number>> {
  const rows: Array<{ state: string; count: number }> = await running!.services.orm.em
    .fork()
    .execute(`select state::text as state, count(*)::int as count from push_messages group by state`);
  return new Map(rows.map((row) => [row.state, row.count]));
}

describe('PostgreSQL restart', () => {
  it('delivers every message although the database restarts mid-delivery', async () => {
    // The fixtures read only `app.services` of the running app.
    const fixtureApp = { app: running } as unknown as TestApp;
    const seeded = await seedWorkspace(fixtureApp);
    const created = await request(CreatePushConnectionDocument, { input: { name: 'Restart listener', url: listener.url, eventTypes: ['DocumentRecordUpdated'] } });
    await request(EnablePushConnectionDocument, { id: created.createPushConnection.id });
    const record = await seedRecord(fixtureApp, seeded);

    const messageIds: string[] = [];
    for (let i = 0; i < EVENTS_BEFORE_RESTART; i += 1) {
      messageIds.push(...(await recordEvent(fixtureApp, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author)).messageIds);
    }
    await listener.waitForRequests(2, WAIT_TIMEOUT_MS);

    await postgres!.stop();
    postgres = await startPostgres();

    // The first statements after the restart must get fresh connections from the pools.
    for (let i = 0; i < EVENTS_AFTER_RESTART; i += 1) {
      messageIds.push(...(await recordEvent(fixtureApp, record, DocumentRecordEventType.DocumentRecordUpdated, seeded.author)).messageIds);
    }
    expect(messageIds).toHaveLength(EVENTS_BEFORE_RESTART + EVENTS_AFTER_RESTART);

    await waitFor(async () => (await countByState()).get(PushMessageState.SUCCEEDED) === messageIds.length, {
      timeoutMs: 2 * WAIT_TIMEOUT_MS,
      intervalMs: 200,
      description: 'every message to be SUCCEEDED',
    }).catch(async (error: Error) => {
      const states = JSON.stringify(Object.fromEntries(await countByState()));
      throw new Error(`${error.message} Messages by state: ${states}. Worker exit code: ${worker!.child.exitCode}.`);
    });

    const delivered = new Set(listener.requests.map((received) => received.headers['webhook-id']));
    for (const id of messageIds) expect(delivered.has(id)).toBe(true);
    const messages = await running!.services.orm.em.fork().find(PushMessage, { id: { $in: messageIds } });
    expect(messages.every((message) => message.lastError === null)).toBe(true);

    // The worker survived the restart and still stops cleanly.
    expect(worker!.child.exitCode).toBeNull();
    expect(await worker!.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
