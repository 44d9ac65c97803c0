import net from 'node:net';
import pg from 'pg';
import { MikroORM } from '@mikro-orm/postgresql';
import pino, { type Logger } from 'pino';
import { ormOptions } from '../../src/database/orm';
import { isConnectionTimeout } from '../../src/database/database-unavailable';
import { startTestApp, type TestApp } from '../support/test-app';
import { seedWorkspace, seedRecord, recordEvent } from '../support/fixtures';
import { rejectionOf, waitFor } from '../support/wait';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { createEnabledConnection } from '../reliability/reliability-support';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { AttemptBatcher, type AttemptBatcherOptions } from '../../src/delivery/attempt-batcher';
import { claimAndLoadDueMessages } from '../../src/delivery/steps/claim-batch.step';
import { claimMessage } from '../../src/delivery/steps/claim-message.step';
import { newMessageId } from '../../src/common/ids';
import { buildPayload, buildRequest } from '../../src/delivery/steps/build-request.step';
import { DELIVERY_LOG_CHANNEL } from '../../src/delivery/delivery-log.feed';
import { findWrittenAttempts, writeAttemptBatch, type AttemptInput, type AttemptRecord } from '../../src/delivery/steps/record-attempt.step';
import { recordAbandonedAttempts } from '../../src/delivery/steps/record-abandoned.step';
import { ABANDONED_NOTE } from '../../src/delivery/steps/claim-batch.step';
import type { AttemptResult } from '../../src/delivery/http-sender';
import type { PushMessage } from '../../src/delivery/push-message.entity';
import type { RetryPolicyConfig } from '../../src/delivery/retry-policy';

// The API role starts no dispatcher, so the messages that these tests insert stay as they are written.
let app: TestApp;
let pool: pg.Pool;
let notificationClient: pg.Client;
/** Payloads received on the delivery log channel since the current test started. */
let notifications: string[] = [];
let workspaceId: number;
let eventId: number;

const RETRY_POLICY: RetryPolicyConfig = { scheduleMs: [60_000, 60_000, 60_000, 60_000], jitter: 0 };
const HOUR_MS = 3_600_000;

beforeAll(async () => {
  app = await startTestApp({ DOCPUSH_ROLE: 'api' });
  pool = new pg.Pool({ connectionString: app.databaseUrl, max: 4 });
  notificationClient = new pg.Client({ connectionString: app.databaseUrl });
  await notificationClient.connect();
  notificationClient.on('notification', (notification) => notifications.push(notification.payload ?? ''));
  await notificationClient.query(`LISTEN ${DELIVERY_LOG_CHANNEL}`);

  const seeded = await seedWorkspace(app);
  workspaceId = seeded.workspaceId;
  const record = await seedRecord(app, seeded);
  // No connection selects DocumentRecordCreated, so this event only gives the inserted messages an event to belong to.
  ({ eventId } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordCreated, seeded.author));
});

beforeEach(() => {
  notifications = [];
});

afterAll(async () => {
  await notificationClient?.end();
  await pool?.end();
  await app?.stop();
});

async function newConnection(name: string): Promise<number> {
  const created = await createEnabledConnection(app, { name, url: 'http://127.0.0.1:9/webhook' });
  return Number(created.id);
}

let insertedMessages = 0;

/** Due time of the messages that insertClaimedMessages inserts: before every other message, so a claim takes them first. */
const DUE_LONG_AGO = new Date('2000-01-01T00:00:00.000Z');

/** Due time of messages left waiting by a test: after those of insertClaimedMessages, so its claims leave them alone. */
const DUE_AFTER_CLAIMED = new Date('2000-01-02T00:00:00.000Z');

/**
 * Inserts due messages of a connection, claims them as the dispatcher does, and returns them
 * DELIVERING at the given attempt numbers, in the order of `attempts`.
 */
async function insertClaimedMessages(connectionId: number, attempts: number[]): Promise<PushMessage[]> {
  const ids = attempts.map(() => `msg_batch_${String(++insertedMessages).padStart(6, '0')}`);
  await pool.query(
    `insert into push_messages (id, workspace_id, connection_id, event_id, state, attempts, next_attempt_at, created_at, updated_at)
     select id, $2, $3, $4, case when attempt = 1 then 'PENDING' else 'RETRY_SCHEDULED' end::push_message_state, attempt - 1, $6, now(), now()
       from unnest($1::text[], $5::int[]) as claimed(id, attempt)`,
    [ids, workspaceId, connectionId, eventId, attempts, DUE_LONG_AGO],
  );
  const messages = await claimAndLoadDueMessages(app.app.services.orm.em.fork(), {
    limit: ids.length,
    connectionConcurrency: 1000,
    staleAfterMs: HOUR_MS,
    now: new Date(),
  });
  const byId = new Map(messages.map((message) => [message.id, message]));
  expect([...byId.keys()].sort()).toEqual([...ids].sort());
  return ids.map((id) => byId.get(id)!);
}

function resultOf(statusCode: number): AttemptResult {
  const succeeded = statusCode >= 200 && statusCode < 300;
  return {
    statusCode,
    responseHeaders: { 'content-type': 'text/plain' },
    responseBody: succeeded ? 'ok' : 'not now',
    responseBodyEncoding: 'utf8',
    responseBodyTruncated: false,
    responseBodyIncomplete: false,
    error: succeeded ? null : `HTTP ${statusCode}`,
    errorKind: succeeded ? null : 'http_status',
    durationMs: 12,
    remoteAddress: '127.0.0.1',
  };
}

function attemptOf(message: PushMessage, statusCode: number, now: Date, extra: Partial<AttemptInput> = {}): AttemptInput {
  const request = buildRequest(message, buildPayload(message, { detailLinkBaseUrl: null }), app.app.services.secretBox, now);
  return { message, request, result: resultOf(statusCode), retryPolicy: RETRY_POLICY, now, ...extra };
}

function newBatcher(options: AttemptBatcherOptions = {}): AttemptBatcher {
  return new AttemptBatcher(app.app.services.orm, app.app.services.logger, options);
}

/** Creates a request that stays open until the test ends it. */
function openRequest(): { sent: Promise<string>; end(): void } {
  let end: () => void = () => undefined;
  const sent = new Promise<string>((resolve) => {
    end = () => resolve('answered');
  });
  return { sent, end };
}

/** Counts the push log rows of each writing transaction, largest count first. */
function rowsPerTransaction(logs: Array<{ xmin: string }>): number[] {
  const counts = new Map<string, number>();
  for (const log of logs) counts.set(log.xmin, (counts.get(log.xmin) ?? 0) + 1);
  return [...counts.values()].sort((a, b) => b - a);
}

interface MessageRow {
  id: string;
  state: string;
  attempts: number;
  next_attempt_at: Date | null;
  last_response_code: number | null;
  last_error: string | null;
}

async function readMessages(ids: string[]): Promise<Map<string, MessageRow>> {
  const result = await pool.query<MessageRow>(
    `select id, state, attempts, next_attempt_at, last_response_code, last_error from push_messages where id = any($1::text[])`,
    [ids],
  );
  return new Map(result.rows.map((row) => [row.id, row]));
}

interface LogRow {
  id: number;
  message_id: string;
  attempt: number;
  response_code: number;
  outcome: string;
  /** Id of the transaction that inserted the row. */
  xmin: string;
}

async function readLogs(messageIds: string[]): Promise<LogRow[]> {
  const result = await pool.query<LogRow>(
    `select id::int as id, message_id, attempt, response_code, outcome, xmin::text as xmin from push_logs where message_id = any($1::text[]) order by id`,
    [messageIds],
  );
  return result.rows;
}

async function readConnection(id: number) {
  const result = await pool.query<{ enabled: boolean; disabled_reason: string | null; failing_since: Date | null }>(
    `select enabled, disabled_reason, failing_since from push_connections where id = $1`,
    [id],
  );
  return result.rows[0];
}

/** Waits until the delivery log notifications name every id, and returns how many payloads carried them. */
async function waitForNotifiedIds(ids: number[]): Promise<number> {
  const idsOf = (payload: string) => (JSON.parse(payload) as { ids: number[] }).ids;
  const notified = () => new Set(notifications.flatMap(idsOf));
  await waitFor(() => ids.every((id) => notified().has(id)), { description: `delivery log notifications naming ${ids.length} push log id(s)` });
  // A notification of an earlier test can arrive after beforeEach emptied the list, so only payloads naming these ids count.
  const expectedIds = new Set(ids);
  return notifications.filter((payload) => idsOf(payload).some((id) => expectedIds.has(id))).length;
}

/** ReadyForQuery with transaction status idle: the statement before it has committed. */
const READY_FOR_QUERY_IDLE = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]);

interface ReplyCuttingProxy {
  port: number;
  /** Connections closed instead of forwarding a reply so far. */
  readonly cuts: number;
  /** Closes the next connection that sends `marker`, once PostgreSQL has committed its statement, without forwarding the reply. */
  cutReplyTo(marker: string): void;
  /**
   * Sends the next chunk that contains `marker` to PostgreSQL, then closes the connection at once,
   * so the client sees it break while PostgreSQL may still be running the statement.
   */
  cutAfterSending(marker: string): void;
  close(): Promise<void>;
}

/**
 * Forwards connections from a free port on 127.0.0.1 to PostgreSQL, and can close one after its
 * statement committed, as a network failure during a commit does, so the client gets no reply.
 * It can also close one as soon as a statement has been sent, before PostgreSQL has finished it.
 */
async function startReplyCuttingProxy(target: { host: string; port: number }): Promise<ReplyCuttingProxy> {
  let marker: string | null = null;
  let sentMarker: string | null = null;
  let cuts = 0;
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    track(client);
    track(upstream);
    let cutAtNextReply = false;
    client.on('data', (chunk: Buffer) => {
      if (sentMarker !== null && chunk.includes(sentMarker)) {
        sentMarker = null;
        cuts += 1;
        // Half-closes the upstream side after the chunk, so PostgreSQL still reads and runs the statement.
        upstream.end(chunk, () => client.destroy());
        return;
      }
      if (marker !== null && chunk.includes(marker)) {
        marker = null;
        cutAtNextReply = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (cutAtNextReply && chunk.subarray(-READY_FOR_QUERY_IDLE.length).equals(READY_FOR_QUERY_IDLE)) {
        cuts += 1;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    get cuts() {
      return cuts;
    },
    cutReplyTo: (text) => {
      marker = text;
    },
    cutAfterSending: (text) => {
      sentMarker = text;
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/** Opens a second ORM whose connections pass through a ReplyCuttingProxy; close both when done. */
async function openOrmThroughProxy(): Promise<{ proxy: ReplyCuttingProxy; orm: MikroORM }> {
  const direct = new URL(app.databaseUrl);
  const proxy = await startReplyCuttingProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const proxied = new URL(app.databaseUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  const orm = await MikroORM.init(ormOptions(proxied.toString(), app.app.services.logger, { size: 2 }));
  return { proxy, orm };
}

/**
 * Makes the commit of the first transaction that inserts a push log row of `messageId` take 1.5 s,
 * through a deferred constraint trigger, as a slow WAL flush or a synchronous standby would.
 */
async function slowDownFirstCommitOf(messageId: string): Promise<void> {
  await pool.query(`create table slow_commit_messages (message_id text primary key)`);
  await pool.query(`insert into slow_commit_messages values ($1)`, [messageId]);
  await pool.query(`create function slow_commit() returns trigger language plpgsql as $$
    begin
      delete from slow_commit_messages where message_id = new.message_id;
      if found then perform pg_sleep(1.5); end if;
      return null;
    end $$`);
  await pool.query(`create constraint trigger push_logs_slow_commit after insert on push_logs
                      deferrable initially deferred for each row execute function slow_commit()`);
}

/** Returns how many messages of slowDownFirstCommitOf have not had their slow commit yet. */
async function pendingSlowCommits(): Promise<number> {
  return (await pool.query<{ count: number }>(`select count(*)::int as count from slow_commit_messages`)).rows[0].count;
}

async function removeSlowCommit(): Promise<void> {
  await pool.query(`drop trigger if exists push_logs_slow_commit on push_logs`);
  await pool.query(`drop function if exists slow_commit()`);
  await pool.query(`drop table if exists slow_commit_messages`);
}

describe('AttemptBatcher', () => {
  it('writes concurrent attempts in one transaction', async () => {
    const connectionId = await newConnection('Fifty at once');
    const messages = await insertClaimedMessages(
      connectionId,
      Array.from({ length: 50 }, (_, index) => (index % 3) + 1),
    );
    const now = new Date();
    const statusOf = (index: number) => (index % 2 === 0 ? 200 : 500);

    const batcher = newBatcher();
    const records = await Promise.all(messages.map((message, index) => batcher.record(attemptOf(message, statusOf(index), now))));

    const logIds = records.map((record) => record.logId);
    expect(logIds.every((id) => Number.isSafeInteger(id) && id > 0)).toBe(true);
    expect(new Set(logIds).size).toBe(50);
    expect(records.filter((record) => record.superseded)).toEqual([]);
    expect(records.filter((record) => record.connectionDisabled !== null)).toEqual([]);

    const logs = await readLogs(messages.map((message) => message.id));
    const logById = new Map(logs.map((log) => [log.id, log]));
    const states = await readMessages(messages.map((message) => message.id));
    messages.forEach((message, index) => {
      const record = records[index];
      const status = statusOf(index);
      expect(logById.get(record.logId)).toMatchObject({
        message_id: message.id,
        attempt: (index % 3) + 1,
        response_code: status,
        outcome: status === 200 ? 'SUCCEEDED' : 'FAILED',
      });
      const expectedRetryAt = status === 200 ? null : new Date(now.getTime() + 60_000);
      expect(record.retryAt).toEqual(expectedRetryAt);
      expect(states.get(message.id)).toEqual({
        id: message.id,
        state: status === 200 ? 'SUCCEEDED' : 'RETRY_SCHEDULED',
        attempts: (index % 3) + 1,
        next_attempt_at: expectedRetryAt,
        last_response_code: status,
        last_error: status === 200 ? null : 'HTTP 500',
      });
    });

    expect(logs).toHaveLength(50);
    expect(new Set(logs.map((log) => log.xmin)).size).toBe(1);
    expect(await waitForNotifiedIds(logIds)).toBe(1);
  });

  it('finds a committed write by its log rows', async () => {
    const connectionId = await newConnection('Committed before the failure');
    const [written, unwritten] = await insertClaimedMessages(connectionId, [1, 2]);
    const now = new Date();
    const [record] = await writeAttemptBatch(app.app.services.orm.em.fork(), [attemptOf(written, 200, now)]);

    const found = await findWrittenAttempts(app.app.services.orm.em.fork(), [attemptOf(written, 200, now)]);
    const missing = await findWrittenAttempts(app.app.services.orm.em.fork(), [attemptOf(written, 200, now), attemptOf(unwritten, 500, now)]);
    const otherWrite = await findWrittenAttempts(app.app.services.orm.em.fork(), [attemptOf(written, 200, new Date(now.getTime() + 1))]);

    expect(found).toEqual([{ logId: record.logId, decision: { kind: 'succeeded' }, retryAt: null, connectionDisabled: null, superseded: false }]);
    expect(missing).toBeNull();
    expect(otherWrite).toBeNull();
  });

  it('logs a batch once when its commit reply is lost', async () => {
    const connectionId = await newConnection('Commit reply lost');
    const messages = await insertClaimedMessages(connectionId, [1, 1]);
    const messageIds = messages.map((message) => message.id);
    const now = new Date();
    const { proxy, orm } = await openOrmThroughProxy();
    try {
      proxy.cutReplyTo('docpush_write_succeeded_attempts');
      const batcher = new AttemptBatcher(orm, app.app.services.logger, { staleAfterMs: HOUR_MS });
      const recorded = Promise.all(messages.map((message) => batcher.record(attemptOf(message, 200, now))));
      // A draining batcher, like one whose claims near the stale limit, does not repeat the failed write.
      await batcher.drain();
      const records = await recorded;

      expect(proxy.cuts).toBe(1);
      const logs = await readLogs(messageIds);
      expect(logs.map((log) => log.message_id).sort()).toEqual([...messageIds].sort());
      expect(records.map((record) => record.logId).sort()).toEqual(logs.map((log) => log.id).sort());
      expect([...(await readMessages(messageIds)).values()].map((row) => row.state)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    } finally {
      await orm.close(true);
      await proxy.close();
    }
  });

  it('logs a failed batch once when its commit reply is lost', async () => {
    const connectionId = await newConnection('Commit reply of a transaction lost');
    const messages = await insertClaimedMessages(connectionId, [1, 1]);
    const messageIds = messages.map((message) => message.id);
    const now = new Date();
    const { proxy, orm } = await openOrmThroughProxy();
    try {
      // A failed attempt makes the batch a transaction, which knex commits, and knex puts the COMMIT before the error message.
      proxy.cutReplyTo('COMMIT');
      const batcher = new AttemptBatcher(orm, app.app.services.logger, { staleAfterMs: HOUR_MS });
      const recorded = Promise.all(messages.map((message, index) => batcher.record(attemptOf(message, index === 0 ? 500 : 200, now))));
      const records = await recorded;

      expect(proxy.cuts).toBe(1);
      const logs = await readLogs(messageIds);
      expect(logs.map((log) => log.message_id).sort()).toEqual([...messageIds].sort());
      expect(records.map((record) => record.logId).sort()).toEqual(logs.map((log) => log.id).sort());
      const states = await readMessages(messageIds);
      expect(states.get(messageIds[0])?.state).toBe('RETRY_SCHEDULED');
      expect(states.get(messageIds[1])?.state).toBe('SUCCEEDED');
    } finally {
      await orm.close(true);
      await proxy.close();
    }
  });

  it('returns the stored outcome after a lost commit', async () => {
    const retryingConnectionId = await newConnection('Stored retry after a lost commit');
    const goneConnectionId = await newConnection('Gone after a lost commit');
    const [retried, overtaken] = await insertClaimedMessages(retryingConnectionId, [1, 1]);
    const [goneMessage] = await insertClaimedMessages(goneConnectionId, [1]);
    // Another worker claimed attempt 2 of this message while attempt 1 was running.
    await pool.query(`update push_messages set attempts = 2, updated_at = now() where id = $1`, [overtaken.id]);
    const now = new Date();
    // The write draws each jitter first, so a decision taken again after the lost commit would differ.
    const jittered = (): Partial<AttemptInput> => {
      let draws = 0;
      return { retryPolicy: { scheduleMs: [60_000], jitter: 0.5 }, random: () => (draws++ === 0 ? 0 : 1) };
    };
    const { proxy, orm } = await openOrmThroughProxy();
    try {
      proxy.cutReplyTo('COMMIT');
      const batcher = new AttemptBatcher(orm, app.app.services.logger, { staleAfterMs: HOUR_MS });
      const [retriedRecord, overtakenRecord, goneRecord] = await Promise.all([
        batcher.record(attemptOf(retried, 500, now, jittered())),
        batcher.record(attemptOf(overtaken, 500, now, jittered())),
        batcher.record(attemptOf(goneMessage, 410, now)),
      ]);

      expect(proxy.cuts).toBe(1);
      const storedRetryAt = new Date(now.getTime() + 30_000);
      expect((await readMessages([retried.id])).get(retried.id)).toMatchObject({ state: 'RETRY_SCHEDULED', next_attempt_at: storedRetryAt });
      expect(retriedRecord).toMatchObject({ retryAt: storedRetryAt, superseded: false, connectionDisabled: null });
      expect(retriedRecord.decision).toEqual({ kind: 'retry', retryAt: storedRetryAt, delayMs: 30_000 });
      expect(overtakenRecord).toMatchObject({ retryAt: null, superseded: true, connectionDisabled: null });
      const goneConnection = await readConnection(goneConnectionId);
      expect(goneConnection.enabled).toBe(false);
      expect(goneRecord).toMatchObject({ retryAt: null, superseded: false, connectionDisabled: { cause: 'gone', reason: goneConnection.disabled_reason } });
      const logs = await readLogs([retried.id, overtaken.id, goneMessage.id]);
      expect(logs.map((log) => log.id).sort((a, b) => a - b)).toEqual([retriedRecord.logId, overtakenRecord.logId, goneRecord.logId].sort((a, b) => a - b));
    } finally {
      await orm.close(true);
      await proxy.close();
    }
  });

  it('logs an attempt once when its commit is slow', async () => {
    const connectionId = await newConnection('Connection lost during a slow commit');
    const [message] = await insertClaimedMessages(connectionId, [1]);
    const now = new Date();
    await slowDownFirstCommitOf(message.id);
    const { proxy, orm } = await openOrmThroughProxy();
    try {
      // A failed attempt makes the write a transaction, and its COMMIT reaches PostgreSQL just before the connection breaks.
      proxy.cutAfterSending('COMMIT');
      const batcher = new AttemptBatcher(orm, app.app.services.logger, { staleAfterMs: HOUR_MS });
      const record = await batcher.record(attemptOf(message, 500, now));

      expect(proxy.cuts).toBe(1);
      expect(await pendingSlowCommits()).toBe(0);
      const logs = await readLogs([message.id]);
      expect(logs.map((log) => log.id)).toEqual([record.logId]);
      const stored = (await readMessages([message.id])).get(message.id);
      expect(stored).toMatchObject({ state: 'RETRY_SCHEDULED', attempts: 1, next_attempt_at: new Date(now.getTime() + 60_000) });
      expect(record.superseded).toBe(false);
      expect(record.retryAt).toEqual(stored?.next_attempt_at);
      expect(await waitForNotifiedIds([record.logId])).toBe(1);
    } finally {
      await removeSlowCommit();
      await orm.close(true);
      await proxy.close();
    }
  });

  it('logs a batch once when its commit is slow', async () => {
    const connectionId = await newConnection('Batch connection lost during a slow commit');
    const messages = await insertClaimedMessages(connectionId, [1, 1]);
    const messageIds = messages.map((message) => message.id);
    const now = new Date();
    await slowDownFirstCommitOf(messageIds[0]);
    const { proxy, orm } = await openOrmThroughProxy();
    try {
      proxy.cutAfterSending('COMMIT');
      // Without staleAfterMs the batch is not written again whole but one attempt at a time.
      const batcher = new AttemptBatcher(orm, app.app.services.logger);
      const records = await Promise.all(messages.map((message) => batcher.record(attemptOf(message, 500, now))));

      expect(proxy.cuts).toBe(1);
      expect(await pendingSlowCommits()).toBe(0);
      const logs = await readLogs(messageIds);
      expect(logs.map((log) => log.id).sort((a, b) => a - b)).toEqual(records.map((record) => record.logId).sort((a, b) => a - b));
      expect(new Set(logs.map((log) => log.xmin)).size).toBe(1);
      expect(records.map((record) => record.superseded)).toEqual([false, false]);
      expect(records.map((record) => record.retryAt)).toEqual([new Date(now.getTime() + 60_000), new Date(now.getTime() + 60_000)]);
    } finally {
      await removeSlowCommit();
      await orm.close(true);
      await proxy.close();
    }
  });

  it('reports no retry time for a cancelled retry', async () => {
    const connectionId = await newConnection('Deleted during the attempt');
    const [message] = await insertClaimedMessages(connectionId, [1]);
    // The connection was deleted while the attempt ran, so its write cancels the retry.
    await pool.query(`update push_connections set deleted_at = now(), enabled = false where id = $1`, [connectionId]);
    const now = new Date();

    const [record] = await writeAttemptBatch(app.app.services.orm.em.fork(), [attemptOf(message, 500, now)]);
    const [readBack] = (await findWrittenAttempts(app.app.services.orm.em.fork(), [attemptOf(message, 500, now)]))!;

    expect((await readMessages([message.id])).get(message.id)).toMatchObject({ state: 'CANCELLED', next_attempt_at: null });
    expect(record).toMatchObject({ retryAt: null, superseded: false });
    expect(readBack).toMatchObject({ retryAt: null, superseded: false });
  });

  it('logs attempt beside same-millisecond abandoned row', async () => {
    const connectionId = await newConnection('Takeover in the same millisecond');
    const [message, other] = await insertClaimedMessages(connectionId, [2, 1]);
    const now = new Date();
    // A takeover's claim logs attempt 1 as abandoned at the very time the attempt itself ends.
    const takenOver = { ...message, attempts: 2, lastError: ABANDONED_NOTE } as PushMessage;
    const abandonedIds = await recordAbandonedAttempts(app.app.services.orm.em.fork(), [takenOver], now, 5_000);
    expect(abandonedIds).toHaveLength(1);
    const ownAttempt = { ...message, attempts: 1 } as PushMessage;

    const records = await Promise.all([newBatcher().record(attemptOf(ownAttempt, 200, now)), newBatcher().record(attemptOf(other, 200, now))]);

    expect(records.map((record) => record.logId)).not.toContain(abandonedIds[0]);
    const { rows } = await pool.query<{ attempt: number; response_code: number }>(
      'select attempt, response_code from push_logs where message_id = $1 order by id',
      [message.id],
    );
    expect(rows).toEqual([
      { attempt: 1, response_code: 0 },
      { attempt: 1, response_code: 200 },
    ]);
  });

  it('splits a burst into batches of the maximum size', async () => {
    const connectionId = await newConnection('Batches of twenty');
    const messages = await insertClaimedMessages(connectionId, Array.from({ length: 50 }, () => 1));
    const now = new Date();

    const batcher = newBatcher({ maxBatch: 20 });
    const records = await Promise.all(messages.map((message) => batcher.record(attemptOf(message, 200, now))));

    const logs = await readLogs(messages.map((message) => message.id));
    expect(logs).toHaveLength(50);
    expect(rowsPerTransaction(logs)).toEqual([20, 20, 10]);
    expect(await waitForNotifiedIds(records.map((record) => record.logId))).toBe(3);
  });

  it('waits for open requests before writing', async () => {
    const connectionId = await newConnection('Waits for open requests');
    const [first, second] = await insertClaimedMessages(connectionId, [1, 1]);
    // Far above the test's time limit, so only the end of the open request can start the write.
    const batcher = newBatcher({ maxWaitMs: 60_000 });
    const open = openRequest();
    const stillSending = batcher.whileSending(open.sent);

    const firstRecorded = batcher.record(attemptOf(first, 200, new Date()));
    await new Promise((resolve) => setImmediate(resolve));
    open.end();
    await stillSending;
    const secondRecorded = batcher.record(attemptOf(second, 200, new Date()));
    await Promise.all([firstRecorded, secondRecorded]);

    const logs = await readLogs([first.id, second.id]);
    expect(rowsPerTransaction(logs)).toEqual([2]);
  });

  it('writes after the wait while a request hangs', async () => {
    const connectionId = await newConnection('Writes past a hanging request');
    const [message] = await insertClaimedMessages(connectionId, [1]);
    const batcher = newBatcher({ maxWaitMs: 20 });
    void batcher.whileSending(openRequest().sent);

    const record = await batcher.record(attemptOf(message, 200, new Date()));

    expect(await readLogs([message.id])).toEqual([expect.objectContaining({ id: record.logId, outcome: 'SUCCEEDED' })]);
  });

  it('drains without waiting for requests', async () => {
    const connectionId = await newConnection('Drained at shutdown');
    const [message, later] = await insertClaimedMessages(connectionId, [1, 1]);
    const batcher = newBatcher({ maxWaitMs: 60_000 });
    void batcher.whileSending(openRequest().sent);
    const recorded = batcher.record(attemptOf(message, 200, new Date()));

    await batcher.drain();

    expect(await readLogs([message.id])).toEqual([expect.objectContaining({ message_id: message.id, outcome: 'SUCCEEDED' })]);
    expect((await recorded).logId).toBeGreaterThan(0);
    // The request is still open, and an attempt recorded after the drain is written at once too.
    const laterRecord = await batcher.record(attemptOf(later, 200, new Date()));
    expect(await readLogs([later.id])).toEqual([expect.objectContaining({ id: laterRecord.logId })]);
  });

  it('reports the ids of each write', async () => {
    const connectionId = await newConnection('Reports written ids');
    const messages = await insertClaimedMessages(connectionId, [1, 1, 1]);
    const writes: Array<readonly string[]> = [];
    const batcher = newBatcher({ maxBatch: 2, onWriteEnd: (messageIds) => writes.push(messageIds) });

    await Promise.all(messages.map((message) => batcher.record(attemptOf(message, 200, new Date()))));
    // The report follows the write, after its attempts have been resolved.
    await waitFor(() => writes.length === 2, { description: 'both writes to be reported' });

    expect(writes).toEqual([messages.slice(0, 2).map((message) => message.id), [messages[2].id]]);
  });

  it('writes a full batch without waiting', async () => {
    const connectionId = await newConnection('Full batch during a hanging request');
    const messages = await insertClaimedMessages(connectionId, [1, 1, 1]);
    const batcher = newBatcher({ maxBatch: 3, maxWaitMs: 60_000 });
    void batcher.whileSending(openRequest().sent);

    await Promise.all(messages.map((message) => batcher.record(attemptOf(message, 200, new Date()))));

    expect(rowsPerTransaction(await readLogs(messages.map((message) => message.id)))).toEqual([3]);
  });

  it('reports a superseded attempt and leaves its message', async () => {
    const connectionId = await newConnection('Superseded');
    const [overtaken, current] = await insertClaimedMessages(connectionId, [1, 1]);
    // Another worker claimed attempt 2 of this message while attempt 1 was running.
    await pool.query(`update push_messages set attempts = 2, updated_at = now() where id = $1`, [overtaken.id]);
    const now = new Date();

    const batcher = newBatcher();
    const [overtakenRecord, currentRecord] = await Promise.all([
      batcher.record(attemptOf(overtaken, 500, now)),
      batcher.record(attemptOf(current, 500, now)),
    ]);

    expect(overtakenRecord.superseded).toBe(true);
    expect(overtakenRecord.decision.kind).toBe('retry');
    expect(overtakenRecord.retryAt).toBeNull();
    expect(currentRecord.superseded).toBe(false);
    expect(currentRecord.retryAt).toEqual(new Date(now.getTime() + 60_000));

    const states = await readMessages([overtaken.id, current.id]);
    expect(states.get(overtaken.id)).toMatchObject({ state: 'DELIVERING', attempts: 2, last_response_code: null, last_error: null });
    expect(states.get(current.id)).toMatchObject({ state: 'RETRY_SCHEDULED', attempts: 1, last_response_code: 500 });
    const logs = await readLogs([overtaken.id]);
    expect(logs).toEqual([expect.objectContaining({ id: overtakenRecord.logId, attempt: 1, outcome: 'FAILED' })]);
  });

  it('reports a superseded success in a successful batch', async () => {
    const connectionId = await newConnection('Superseded success');
    const [overtaken, current] = await insertClaimedMessages(connectionId, [1, 1]);
    await pool.query(`update push_messages set attempts = 2, updated_at = now() where id = $1`, [overtaken.id]);
    const now = new Date();

    const batcher = newBatcher();
    const [overtakenRecord, currentRecord] = await Promise.all([
      batcher.record(attemptOf(overtaken, 200, now)),
      batcher.record(attemptOf(current, 204, now)),
    ]);

    expect(overtakenRecord).toMatchObject({ superseded: true, retryAt: null, connectionDisabled: null, decision: { kind: 'succeeded' } });
    expect(currentRecord).toMatchObject({ superseded: false, retryAt: null, connectionDisabled: null, decision: { kind: 'succeeded' } });
    const states = await readMessages([overtaken.id, current.id]);
    expect(states.get(overtaken.id)).toMatchObject({ state: 'DELIVERING', attempts: 2, last_response_code: null });
    expect(states.get(current.id)).toMatchObject({ state: 'SUCCEEDED', attempts: 1, last_response_code: 204, next_attempt_at: null });
    const logs = await readLogs([overtaken.id, current.id]);
    expect(logs.map((log) => log.id).sort((a, b) => a - b)).toEqual([overtakenRecord.logId, currentRecord.logId].sort((a, b) => a - b));
    expect(new Set(logs.map((log) => log.xmin)).size).toBe(1);
    expect(await waitForNotifiedIds(logs.map((log) => log.id))).toBe(1);
    expect(notifications[0]).toMatch(/^\{"ids":\[\d+,\d+\]\}$/);
  });

  it('logs an attempt whose message row was deleted', async () => {
    const connectionId = await newConnection('Deleted message');
    const [deleted, kept] = await insertClaimedMessages(connectionId, [1, 1]);
    await pool.query(`delete from push_messages where id = $1`, [deleted.id]);
    const now = new Date();

    const batcher = newBatcher();
    const [deletedRecord, keptRecord] = await Promise.all([batcher.record(attemptOf(deleted, 200, now)), batcher.record(attemptOf(kept, 200, now))]);

    expect(deletedRecord.superseded).toBe(true);
    expect(keptRecord.superseded).toBe(false);
    expect(await readLogs([deleted.id])).toEqual([expect.objectContaining({ id: deletedRecord.logId, attempt: 1, outcome: 'SUCCEEDED' })]);
    expect((await readMessages([kept.id])).get(kept.id)?.state).toBe('SUCCEEDED');
  });

  it('disables on 410 despite later success', async () => {
    const connectionId = await newConnection('Gone then fine');
    const [gone, fine] = await insertClaimedMessages(connectionId, [1, 1]);
    const now = new Date();

    const batcher = newBatcher();
    const [goneRecord, fineRecord] = await Promise.all([batcher.record(attemptOf(gone, 410, now)), batcher.record(attemptOf(fine, 200, now))]);

    const logs = await readLogs([gone.id, fine.id]);
    expect(new Set(logs.map((log) => log.xmin)).size).toBe(1);
    expect(goneRecord.decision.kind).toBe('disable_connection');
    expect(goneRecord.connectionDisabled).toEqual({ cause: 'gone', reason: expect.stringContaining('410 Gone') });
    expect(fineRecord.connectionDisabled).toBeNull();
    const connection = await readConnection(connectionId);
    expect(connection.enabled).toBe(false);
    expect(connection.disabled_reason).toContain('410 Gone');
    const states = await readMessages([gone.id, fine.id]);
    expect(states.get(gone.id)?.state).toBe('FAILED');
    expect(states.get(fine.id)?.state).toBe('SUCCEEDED');
  });

  it('clears failing_since on final success', async () => {
    const connectionId = await newConnection('Recovered');
    await pool.query(`update push_connections set failing_since = now() - interval '10 minutes' where id = $1`, [connectionId]);
    const [failed, succeeded] = await insertClaimedMessages(connectionId, [1, 1]);
    const now = new Date();

    const batcher = newBatcher();
    await Promise.all([batcher.record(attemptOf(failed, 500, now)), batcher.record(attemptOf(succeeded, 200, now))]);

    expect(new Set((await readLogs([failed.id, succeeded.id])).map((log) => log.xmin)).size).toBe(1);
    expect(await readConnection(connectionId)).toMatchObject({ enabled: true, failing_since: null });
  });

  it('clears the streaks of several connections at once', async () => {
    const firstId = await newConnection('Recovered first');
    const secondId = await newConnection('Recovered second');
    const steadyId = await newConnection('Never failed');
    await pool.query(`update push_connections set failing_since = now() - interval '10 minutes' where id = any($1::int[])`, [[firstId, secondId]]);
    const [first] = await insertClaimedMessages(firstId, [1]);
    const [second] = await insertClaimedMessages(secondId, [1]);
    const [steady] = await insertClaimedMessages(steadyId, [1]);
    const now = new Date();

    const batcher = newBatcher();
    await Promise.all([batcher.record(attemptOf(second, 200, now)), batcher.record(attemptOf(steady, 204, now)), batcher.record(attemptOf(first, 200, now))]);

    expect(new Set((await readLogs([first.id, second.id, steady.id])).map((log) => log.xmin)).size).toBe(1);
    expect(await readConnection(firstId)).toMatchObject({ enabled: true, failing_since: null });
    expect(await readConnection(secondId)).toMatchObject({ enabled: true, failing_since: null });
    expect(await readConnection(steadyId)).toMatchObject({ enabled: true, failing_since: null });
  });

  it('starts a streak on final failure', async () => {
    const connectionId = await newConnection('Failing again');
    const [succeeded, failed] = await insertClaimedMessages(connectionId, [1, 1]);
    const now = new Date();

    const batcher = newBatcher();
    await Promise.all([batcher.record(attemptOf(succeeded, 200, now)), batcher.record(attemptOf(failed, 500, now))]);

    expect(await readConnection(connectionId)).toMatchObject({ enabled: true, failing_since: now });
  });

  // A success followed by a failure in one batch must leave the streak as writing them one by one
  // would: restarted at the failure, so a streak older than the disable period does not disable.
  it('restarts the streak after success', async () => {
    const connectionId = await newConnection('Long streak ended');
    await pool.query(`update push_connections set failing_since = now() - interval '2 hours' where id = $1`, [connectionId]);
    const [succeeded, failed] = await insertClaimedMessages(connectionId, [1, 1]);
    const now = new Date();

    const batcher = newBatcher();
    const records = await Promise.all([
      batcher.record(attemptOf(succeeded, 200, now, { disableAfterMs: HOUR_MS })),
      batcher.record(attemptOf(failed, 500, now, { disableAfterMs: HOUR_MS })),
    ]);

    expect(records.map((record) => record.connectionDisabled)).toEqual([null, null]);
    expect(await readConnection(connectionId)).toMatchObject({ enabled: true, failing_since: now });
  });

  it('writes the rest past an invalid attempt', async () => {
    const connectionId = await newConnection('One bad row');
    const good = await insertClaimedMessages(connectionId, [1, 1, 1, 1]);
    // Loaded by a separate entity manager, so that the longer name does not reach the other messages' connection.
    const [bad] = await insertClaimedMessages(connectionId, [1]);
    bad.connection.name = 'x'.repeat(201);
    const now = new Date();

    const batcher = newBatcher();
    const inputs = [good[0], good[1], bad, good[2], good[3]].map((message) => attemptOf(message, 200, now));
    const settled = await Promise.allSettled(inputs.map((input) => batcher.record(input)));

    expect(settled.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((settled[2] as PromiseRejectedResult).reason).toEqual(expect.objectContaining({ message: expect.stringContaining('value too long') }));
    const records = settled.filter((outcome): outcome is PromiseFulfilledResult<AttemptRecord> => outcome.status === 'fulfilled').map((outcome) => outcome.value);

    const logs = await readLogs([...good, bad].map((message) => message.id));
    expect(logs.map((log) => log.id).sort()).toEqual(records.map((record) => record.logId).sort());
    expect(logs.map((log) => log.message_id).sort()).toEqual(good.map((message) => message.id).sort());
    // The batch was rolled back and each remaining attempt committed on its own.
    expect(new Set(logs.map((log) => log.xmin)).size).toBe(4);
    const states = await readMessages([...good, bad].map((message) => message.id));
    for (const message of good) expect(states.get(message.id)?.state).toBe('SUCCEEDED');
    expect(states.get(bad.id)).toMatchObject({ state: 'DELIVERING', attempts: 1 });
    expect(await waitForNotifiedIds(records.map((record) => record.logId))).toBe(4);
  });

  it('counts a resend during a one-by-one write', async () => {
    const connectionId = await newConnection('Resent during a one-by-one write');
    const [resent, held] = await insertClaimedMessages(connectionId, [1, 1]);
    const [bad] = await insertClaimedMessages(await newConnection('Bad row beside a resend'), [1]);
    bad.connection.name = 'x'.repeat(201);
    const waiting = Array.from({ length: 5 }, () => newMessageId());
    await pool.query(
      `insert into push_messages (id, workspace_id, connection_id, event_id, state, attempts, next_attempt_at, created_at, updated_at)
       select id, $2, $3, $4, 'PENDING', 0, $5, now(), now() from unnest($1::text[]) as due(id)`,
      [waiting, workspaceId, connectionId, eventId, DUE_AFTER_CLAIMED],
    );
    // Holds the one-by-one write of `held` at its message row, so that the batcher is still writing below.
    const lock = new pg.Client({ connectionString: app.databaseUrl });
    await lock.connect();

    try {
      await lock.query(`begin`);
      await lock.query(`select id from push_messages where id = $1 for no key update`, [held.id]);
      const batcher = newBatcher();
      const now = new Date();
      // The failed attempt of `held` sends the batch down the transactional path, where the bad row fails it.
      const recorded = [batcher.record(attemptOf(resent, 200, now)), batcher.record(attemptOf(bad, 200, now)), batcher.record(attemptOf(held, 500, now))];
      const settled = Promise.allSettled(recorded);
      await recorded[0];

      // An operator resend takes the message whose attempt the one-by-one write has just recorded.
      const em = app.app.services.orm.em.fork();
      const resend = await claimMessage(em, resent.id, { force: true, staleAfterMs: HOUR_MS, connectionConcurrency: 3, now: new Date() });
      expect(resend.kind).toBe('claimed');
      const requestEndedIds = [...batcher.writingMessageIds()];
      const claimed = await claimAndLoadDueMessages(app.app.services.orm.em.fork(), {
        limit: waiting.length,
        connectionConcurrency: 3,
        staleAfterMs: HOUR_MS,
        requestEndedIds,
        now: new Date(),
      });

      // The resend's request is open, so only two of the three slots are free.
      const claimedIds = claimed.filter((message) => message.connection.id === connectionId).map((message) => message.id);
      expect(claimedIds).toHaveLength(2);
      expect(requestEndedIds).not.toContain(resent.id);
      expect(requestEndedIds).toContain(held.id);
      await lock.query(`commit`);
      expect((await settled).map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(batcher.writingMessageIds()).toEqual([]);
    } finally {
      await lock.query(`rollback`).catch(() => undefined);
      await lock.end();
      // Rows left due would be taken by the claims of the tests that follow.
      await pool.query(`update push_messages set state = 'CANCELLED', next_attempt_at = null where id = any($1::text[]) and state = 'PENDING'`, [waiting]);
    }
  });

  // Each column travels as one PostgreSQL array literal, whose elements node-postgres quotes and escapes.
  it('keeps quotes, backslashes and emoji in array columns', async () => {
    const texts = [
      `double " single ' backslash \\ and \\" together`,
      '{braces}, commas, NULL, "NULL", \\x41',
      'emoji 😀 👩‍👩‍👧, accents é, Hebrew שלום, separator \u2028',
      '',
    ];
    const connectionId = await newConnection('Quoted "name" \\ 😀');
    const messages = await insertClaimedMessages(connectionId, texts.map(() => 1));
    const now = new Date();
    const inputs = messages.map((message, index) => {
      const input = attemptOf(message, 200, now);
      input.request = { ...input.request, loggedBody: texts[index], loggedHeaders: { 'x-"quoted"': texts[index] } };
      input.result = { ...input.result, responseHeaders: { 'x-\\': texts[index] }, responseBody: texts[index] };
      return input;
    });

    const batcher = newBatcher();
    const records = await Promise.all(inputs.map((input) => batcher.record(input)));

    const result = await pool.query(
      `select id::int as id, connection_name, request_body, request_headers, response_headers, response_body, xmin::text as xmin
         from push_logs where id = any($1::bigint[])`,
      [records.map((record) => record.logId)],
    );
    const rowById = new Map(result.rows.map((row) => [row.id, row]));
    expect(new Set(result.rows.map((row) => row.xmin)).size).toBe(1);
    inputs.forEach((_input, index) => {
      expect(rowById.get(records[index].logId)).toEqual({
        id: records[index].logId,
        connection_name: 'Quoted "name" \\ 😀',
        request_body: texts[index],
        request_headers: { 'x-"quoted"': texts[index] },
        response_headers: { 'x-\\': texts[index] },
        response_body: texts[index],
        xmin: result.rows[0].xmin,
      });
    });
  });

  it('cancels the retry of a deleted connection', async () => {
    const connectionId = await newConnection('Deleted mid-attempt');
    const [message] = await insertClaimedMessages(connectionId, [1]);
    await pool.query(`update push_connections set deleted_at = now(), enabled = false where id = $1`, [connectionId]);

    const record = await newBatcher().record(attemptOf(message, 500, new Date()));

    expect(record.decision.kind).toBe('retry');
    const state = (await readMessages([message.id])).get(message.id);
    expect(state).toMatchObject({ state: 'CANCELLED', next_attempt_at: null, last_response_code: 500 });
    expect(state?.last_error).toContain('deleted');
    expect(await readLogs([message.id])).toEqual([expect.objectContaining({ attempt: 1, response_code: 500, outcome: 'FAILED' })]);
  });
});

/** Pool time-outs of the ORM behind a stalling proxy, far below knex's 30 s and 60 s. */
const STALL_POOL = { size: 2, connectTimeoutMs: 300, acquireTimeoutMs: 300 };

interface StalledOrm {
  proxy: TcpProxy;
  orm: MikroORM;
  logger: Logger;
  /** Lines that `logger` has written, warnings and errors only. */
  logLines: string[];
}

/**
 * Opens a second ORM whose connections pass through a TcpProxy, and stalls the proxy: every
 * connection is held open without a byte passed, as by a database host that stopped responding.
 */
async function openOrmThroughStall(): Promise<StalledOrm> {
  const direct = new URL(app.databaseUrl);
  const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const proxied = new URL(app.databaseUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  const logLines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logLines.push(line) });
  const orm = await MikroORM.init(ormOptions(proxied.toString(), logger, STALL_POOL));
  await proxy.cut();
  await proxy.stall();
  return { proxy, orm, logger, logLines };
}

async function closeStalledOrm({ proxy, orm }: StalledOrm): Promise<void> {
  await proxy.restore();
  await orm.close(true);
  await proxy.close();
}

describe('AttemptBatcher while the database stalls', () => {
  let stalled: StalledOrm;

  beforeEach(async () => {
    stalled = await openOrmThroughStall();
  });

  afterEach(async () => {
    await closeStalledOrm(stalled);
  });

  it('repeats the write after the stall', async () => {
    const connectionId = await newConnection('Write during a stall');
    const [message] = await insertClaimedMessages(connectionId, [1]);
    const batcher = new AttemptBatcher(stalled.orm, stalled.logger, { staleAfterMs: HOUR_MS, acquireTimeoutMs: STALL_POOL.acquireTimeoutMs });

    const recorded = batcher.record(attemptOf(message, 200, new Date()));
    await waitFor(() => stalled.logLines.some((line) => line.includes('writing these attempts again')), { description: 'the write to fail during the stall' });
    await stalled.proxy.restore();
    const record = await recorded;

    expect(stalled.proxy.stalledConnections).toBeGreaterThan(0);
    expect(await readLogs([message.id])).toEqual([expect.objectContaining({ id: record.logId, attempt: 1, response_code: 200, outcome: 'SUCCEEDED' })]);
    expect((await readMessages([message.id])).get(message.id)?.state).toBe('SUCCEEDED');
  });

  it('rejects a drained batch together', async () => {
    const connectionId = await newConnection('Drained during a stall');
    const messages = await insertClaimedMessages(connectionId, [1, 1, 1]);
    const messageIds = messages.map((message) => message.id);
    const batcher = new AttemptBatcher(stalled.orm, stalled.logger, { staleAfterMs: HOUR_MS, acquireTimeoutMs: STALL_POOL.acquireTimeoutMs });
    const now = new Date();

    const outcomes = Promise.allSettled(messages.map((message) => batcher.record(attemptOf(message, 200, now))));
    // A draining batcher does not repeat the write, and one by one each attempt would wait for a connection of its own.
    await batcher.drain();
    const settled = await outcomes;

    expect(settled.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(settled.every((outcome) => outcome.status === 'rejected' && isConnectionTimeout(outcome.reason))).toBe(true);
    expect(stalled.logLines.some((line) => line.includes('the database is still unavailable'))).toBe(true);
    expect(stalled.logLines.some((line) => line.includes('writing them one by one'))).toBe(false);
    expect(await readLogs(messageIds)).toEqual([]);
    expect([...(await readMessages(messageIds)).values()].map((row) => row.state)).toEqual(['DELIVERING', 'DELIVERING', 'DELIVERING']);
  });

  it('gives up when wait outlasts claim', async () => {
    const connectionId = await newConnection('Claim too short for a connection wait');
    const [message] = await insertClaimedMessages(connectionId, [1]);
    // The batcher gives up 2 s before the 20 s claim goes stale, so a repeat that may wait 30 s
    // for its connection could commit after another worker took the message over.
    const batcher = new AttemptBatcher(stalled.orm, stalled.logger, { staleAfterMs: 20_000, acquireTimeoutMs: 30_000 });

    const error = await rejectionOf(batcher.record(attemptOf(message, 200, new Date())));

    expect(isConnectionTimeout(error)).toBe(true);
    expect(stalled.logLines.some((line) => line.includes('writing these attempts again'))).toBe(false);
    expect(await readLogs([message.id])).toEqual([]);
  }, 15_000);
});
