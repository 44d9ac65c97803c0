import pg from 'pg';
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { seedWorkspace, seedRecord, recordEvent } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { createEnabledConnection } from '../reliability/reliability-support';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { claimAndLoadDueMessages, releaseClaims } from '../../src/delivery/steps/claim-batch.step';
import { writeAttemptBatch, type AttemptInput } from '../../src/delivery/steps/record-attempt.step';
import { buildPayload, buildRequest } from '../../src/delivery/steps/build-request.step';
import { renewClaims } from '../../src/delivery/steps/renew-claims.step';
import { cancelMessagesOfDeletedConnections, logAbandonedAttemptsOfDisabledConnections } from '../../src/jobs/sweeper.job';
import { cancelWaitingMessages } from '../../bench/database-probe';
import type { AttemptResult } from '../../src/delivery/http-sender';
import type { PushMessage } from '../../src/delivery/push-message.entity';
import {
  DeletePushConnectionDocument,
  DisablePushConnectionDocument,
  EnablePushConnectionDocument,
  RecoverFailedMessagesDocument,
} from '../generated/graphql';

// Every statement that updates several push_messages rows must lock them in ascending id order,
// and a write that also updates push_connections must lock its message rows first. These tests
// hold the third of six message rows in a transaction of their own, start the statement, and
// list the rows it had locked when it stopped to wait for that one: only the two lower ids. Each
// test runs with the rows stored in ascending and in descending id order (see insertMessages),
// and statements that take ids as input get them in descending order.
//
// The API role starts no dispatcher, sweeper or retention job, so only these tests lock rows.
let app: TestApp;
let workspaceId: number;
let eventId: number;
/** Holds one row lock in an open transaction, so that a statement under test waits for it. */
let holder: pg.Client;
/** Holds a second row lock, for the deadlock test's second wait. */
let secondHolder: pg.Client;
/** Lists the rows that no other transaction has locked, with SKIP LOCKED. */
let probe: pg.Client;

const STALE_AFTER_MS = 60_000;
const SECOND_MS = 1000;
const HOUR_MS = 3_600_000;
const RETRY_POLICY = { scheduleMs: [60_000], jitter: 0 };

beforeAll(async () => {
  app = await startTestApp({ DOCPUSH_ROLE: 'api' });
  holder = new pg.Client({ connectionString: app.databaseUrl });
  secondHolder = new pg.Client({ connectionString: app.databaseUrl });
  probe = new pg.Client({ connectionString: app.databaseUrl });
  await Promise.all([holder.connect(), secondHolder.connect(), probe.connect()]);

  const seeded = await seedWorkspace(app);
  workspaceId = seeded.workspaceId;
  const record = await seedRecord(app, seeded);
  // No connection selects DocumentRecordCreated, so this event only gives the inserted messages an event to belong to.
  ({ eventId } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordCreated, seeded.author));
});

beforeEach(async () => {
  // Truncated rather than deleted, so the rows of each test are stored in the order of their inserts.
  await probe.query('truncate push_messages');
});

afterAll(async () => {
  await Promise.all([holder?.end(), secondHolder?.end(), probe?.end()]);
  await app?.stop();
});

async function newConnection(name: string): Promise<number> {
  const created = await createEnabledConnection(app, { name, url: 'http://127.0.0.1:9/webhook' });
  return Number(created.id);
}

let insertedBatches = 0;

/** Order in which rows are inserted, and in which their times rise. */
type Layout = 'ascending' | 'descending';

interface MessageRows {
  state: 'PENDING' | 'DELIVERING' | 'RETRY_SCHEDULED' | 'FAILED';
  attempts?: number;
  /** Time (due, created and updated) of the first row inserted. Each later row is one second later. */
  at?: Date;
  /** Insert order by id, ascending when omitted. */
  layout?: Layout;
}

/**
 * Inserts `count` messages of a connection and returns their ids in ascending order. In the
 * descending layout the highest id is inserted first and has the earliest times, so scans of
 * the table and of its indexes meet the rows in descending id order. A hash join on
 * connection_id returned them in the reverse order (PostgreSQL 15), so a statement that locks
 * rows in any order but by id fails under one of the two layouts.
 */
async function insertMessages(connectionId: number, count: number, rows: MessageRows): Promise<string[]> {
  insertedBatches += 1;
  const at = rows.at ?? new Date(Date.now() - HOUR_MS);
  const numbers = Array.from({ length: count }, (_, index) => index + 1);
  if (rows.layout === 'descending') numbers.reverse();
  const result = await probe.query<{ id: string }>(
    `insert into push_messages (id, workspace_id, connection_id, event_id, state, attempts, next_attempt_at, created_at, updated_at)
     select $1 || number, $2, $3, $4, $5::push_message_state, $6, t, t, t
       from unnest($7::int[]) with ordinality as inserted(number, position)
       cross join lateral (select $8::timestamptz + (position - 1) * interval '1 second' as t) times
      order by position
     returning id`,
    [`msg_lock_${String(insertedBatches).padStart(3, '0')}_`, workspaceId, connectionId, eventId, rows.state, rows.attempts ?? 0, numbers, at],
  );
  return result.rows.map((row) => row.id).sort();
}

/**
 * Claims as many due messages as `ids` has, as the dispatcher does, checks that they are the
 * messages of `ids`, and returns them in that order.
 */
async function claim(ids: string[], now = new Date()): Promise<PushMessage[]> {
  const claimed = await claimAndLoadDueMessages(app.app.services.orm.em.fork(), {
    limit: ids.length,
    connectionConcurrency: 100,
    staleAfterMs: STALE_AFTER_MS,
    now,
  });
  const byId = new Map(claimed.map((message) => [message.id, message]));
  expect([...byId.keys()].sort()).toEqual([...ids].sort());
  return ids.map((id) => byId.get(id)!);
}

function attemptOf(message: PushMessage, statusCode: number, now: Date): AttemptInput {
  const succeeded = statusCode >= 200 && statusCode < 300;
  const result: AttemptResult = {
    statusCode,
    responseHeaders: {},
    responseBody: succeeded ? 'ok' : 'not now',
    responseBodyEncoding: 'utf8',
    responseBodyTruncated: false,
    responseBodyIncomplete: false,
    error: succeeded ? null : `HTTP ${statusCode}`,
    errorKind: succeeded ? null : 'http_status',
    durationMs: 5,
    remoteAddress: '127.0.0.1',
  };
  const request = buildRequest(message, buildPayload(message, { detailLinkBaseUrl: null }), app.app.services.secretBox, now);
  return { message, request, result, retryPolicy: RETRY_POLICY, now };
}

async function readStates(ids: string[]): Promise<string[]> {
  const result = await probe.query<{ state: string }>(`select state from push_messages where id = any($1::text[]) order by id`, [ids]);
  return result.rows.map((row) => row.state);
}

/** Returns the pid of the backend that waits for a lock held by the `blocker` backend. */
async function backendBlockedBy(blockerPid: number, description: string): Promise<number> {
  let blocked: number | null = null;
  await waitFor(
    async () => {
      const result = await probe.query<{ pid: number }>(
        `select pid from pg_stat_activity where datname = current_database() and $1::int = any(pg_blocking_pids(pid))`,
        [blockerPid],
      );
      blocked = result.rows[0]?.pid ?? null;
      return blocked !== null;
    },
    { description },
  );
  return blocked!;
}

async function isBlockedBy(waiterPid: number, blockerPid: number): Promise<boolean> {
  const result = await probe.query<{ blocked: boolean }>(`select $2::int = any(pg_blocking_pids($1::int)) as blocked`, [waiterPid, blockerPid]);
  return result.rows[0].blocked;
}

async function backendPid(client: pg.Client): Promise<number> {
  return (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
}

async function unlockedMessageIds(ids: string[]): Promise<string[]> {
  const result = await probe.query<{ id: string }>(
    `select id from push_messages where id = any($1::text[]) order by id for no key update skip locked`,
    [ids],
  );
  return result.rows.map((row) => row.id);
}

async function isConnectionUnlocked(connectionId: number): Promise<boolean> {
  const result = await probe.query(`select id from push_connections where id = $1 for no key update skip locked`, [connectionId]);
  return result.rowCount === 1;
}

interface LocksWhileWaiting {
  /** Message rows that neither the statement nor the holder had locked. */
  unlocked: string[];
  connectionUnlocked: boolean;
}

/**
 * Locks the third of `ids` in the holder's transaction, runs `statement` until it waits for that
 * row, and records which rows were still unlocked then. Commits the holder and returns those
 * rows with the statement's result.
 */
async function locksWhileWaiting<T>(ids: string[], connectionId: number, statement: () => Promise<T>): Promise<LocksWhileWaiting & { result: T }> {
  await holder.query('begin');
  let running: Promise<T> | null = null;
  try {
    await holder.query(`select id from push_messages where id = $1 for no key update`, [ids[2]]);
    running = statement();
    // Keeps a rejection from going unhandled until it is awaited below.
    running.catch(() => undefined);
    await backendBlockedBy(await backendPid(holder), 'the statement under test to wait for the held message row');
    const unlocked = await unlockedMessageIds(ids);
    const connectionUnlocked = await isConnectionUnlocked(connectionId);
    await holder.query('commit');
    return { unlocked, connectionUnlocked, result: await running };
  } finally {
    await holder.query('rollback');
  }
}

describe.each<Layout>(['ascending', 'descending'])('row lock order, rows stored in %s id order', (layout) => {
  it.each([
    ['succeeded', 200, 'SUCCEEDED'],
    ['failed', 500, 'RETRY_SCHEDULED'],
  ])('attempt write locks by id (%s)', async (_outcome, statusCode, state) => {
    const connectionId = await newConnection(`Attempts ${statusCode}`);
    await probe.query(`update push_connections set failing_since = now() - interval '1 minute' where id = $1`, [connectionId]);
    const ids = await insertMessages(connectionId, 6, { state: 'PENDING', layout });
    const now = new Date();
    const messages = await claim([...ids].reverse(), now);

    const { unlocked, connectionUnlocked, result } = await locksWhileWaiting(ids, connectionId, () =>
      writeAttemptBatch(app.app.services.orm.em.fork(), messages.map((message) => attemptOf(message, statusCode, now))),
    );

    expect(unlocked).toEqual(ids.slice(3));
    expect(connectionUnlocked).toBe(true);
    expect(result.map((record) => record.superseded)).toEqual(ids.map(() => false));
    expect(await readStates(ids)).toEqual(ids.map(() => state));
  });

  it('connection delete locks by id', async () => {
    const connectionId = await newConnection('Deleted');
    const ids = await insertMessages(connectionId, 6, { state: 'PENDING', layout });

    const { unlocked, connectionUnlocked, result } = await locksWhileWaiting(ids, connectionId, () =>
      app.request(DeletePushConnectionDocument, { id: String(connectionId) }),
    );

    expect(unlocked).toEqual(ids.slice(3));
    expect(connectionUnlocked).toBe(true);
    dataOf(result);
    expect(await readStates(ids)).toEqual(ids.map(() => 'CANCELLED'));
  });

  it('connection enable locks messages first', async () => {
    const connectionId = await newConnection('Enabled again');
    dataOf(await app.request(DisablePushConnectionDocument, { id: String(connectionId) }));
    const ids = await insertMessages(connectionId, 6, { state: 'RETRY_SCHEDULED', attempts: 1, layout });
    const enabledAt = new Date();

    const { unlocked, connectionUnlocked, result } = await locksWhileWaiting(ids, connectionId, () =>
      app.request(EnablePushConnectionDocument, { id: String(connectionId) }),
    );

    expect(unlocked).toEqual(ids.slice(3));
    expect(connectionUnlocked).toBe(true);
    expect(dataOf(result).enablePushConnection.enabled).toBe(true);
    const due = await probe.query<{ next_attempt_at: Date }>(`select next_attempt_at from push_messages where id = any($1::text[]) order by id`, [ids]);
    for (const row of due.rows) expect(row.next_attempt_at.getTime()).toBeGreaterThanOrEqual(enabledAt.getTime());
  });

  it('failed message recovery locks by id', async () => {
    const connectionId = await newConnection('Recovered');
    const ids = await insertMessages(connectionId, 6, { state: 'FAILED', attempts: 3, layout });
    const since = new Date(Date.now() - 2 * HOUR_MS).toISOString();

    const { unlocked, result } = await locksWhileWaiting(ids, connectionId, () =>
      app.request(RecoverFailedMessagesDocument, { connectionId: String(connectionId), since }),
    );

    expect(unlocked).toEqual(ids.slice(3));
    expect(dataOf(result).recoverFailedMessages).toBe(6);
    expect(await readStates(ids)).toEqual(ids.map(() => 'PENDING'));
  });

  it('claim release locks by id', async () => {
    const connectionId = await newConnection('Released');
    const ids = await insertMessages(connectionId, 6, { state: 'DELIVERING', attempts: 1, layout });
    const claims = [...ids].reverse().map((id) => ({ id, attempt: 1 }));

    const { unlocked, result } = await locksWhileWaiting(ids, connectionId, () => releaseClaims(app.app.services.orm.em.fork(), claims, new Date()));

    expect(unlocked).toEqual(ids.slice(3));
    expect(result).toBe(6);
    expect(await readStates(ids)).toEqual(ids.map(() => 'RETRY_SCHEDULED'));
  });

  it('claim renewal locks by id', async () => {
    const connectionId = await newConnection('Renewed');
    const ids = await insertMessages(connectionId, 6, { state: 'DELIVERING', attempts: 1, layout });
    const claims = [...ids].reverse().map((id) => ({ id, attempt: 1 }));
    const renewedAt = new Date();

    const { unlocked, result } = await locksWhileWaiting(ids, connectionId, () => renewClaims(app.app.services.orm.em.fork(), claims, renewedAt));

    expect(unlocked).toEqual(ids.slice(3));
    expect(result.filter((renewal) => renewal.renewed)).toHaveLength(6);
    const updated = await probe.query<{ updated_at: Date }>(`select updated_at from push_messages where id = any($1::text[])`, [ids]);
    for (const row of updated.rows) expect(row.updated_at.getTime()).toBe(renewedAt.getTime());
  });

  it('sweeper cancel locks by id', async () => {
    const connectionId = await newConnection('Deleted mid-attempt');
    const ids = await insertMessages(connectionId, 6, { state: 'DELIVERING', attempts: 1, layout });
    await probe.query(`update push_connections set deleted_at = now(), enabled = false where id = $1`, [connectionId]);

    const { unlocked, result } = await locksWhileWaiting(ids, connectionId, () =>
      cancelMessagesOfDeletedConnections(app.app.services.orm.em.fork(), { staleAfterMs: STALE_AFTER_MS, now: new Date() }),
    );

    expect(unlocked).toEqual(ids.slice(3));
    expect(result).toEqual({ cancelled: 6, abandonedAttempts: 6 });
    expect(await readStates(ids)).toEqual(ids.map(() => 'CANCELLED'));
  });

  it('sweep of disabled connections locks by id', async () => {
    const connectionId = await newConnection('Disabled mid-attempt');
    const ids = await insertMessages(connectionId, 6, { state: 'DELIVERING', attempts: 1, layout });
    dataOf(await app.request(DisablePushConnectionDocument, { id: String(connectionId) }));

    const { unlocked, result } = await locksWhileWaiting(ids, connectionId, () =>
      logAbandonedAttemptsOfDisabledConnections(app.app.services.orm.em.fork(), { staleAfterMs: STALE_AFTER_MS, now: new Date() }),
    );

    expect(unlocked).toEqual(ids.slice(3));
    expect(result).toEqual({ messageIds: ids, abandonedAttempts: 6 });
    expect(await readStates(ids)).toEqual(ids.map(() => 'RETRY_SCHEDULED'));
  });

  it('benchmark cancel locks by id', async () => {
    const connectionId = await newConnection('Benchmark backlog');
    const ids = await insertMessages(connectionId, 6, { state: 'PENDING', layout });

    const { unlocked, result } = await locksWhileWaiting(ids, connectionId, () => cancelWaitingMessages(app.databaseUrl, 0));

    expect(unlocked).toEqual(ids.slice(3));
    expect(result).toBe(6);
    expect(await readStates(ids)).toEqual(ids.map(() => 'CANCELLED'));
  });
});

// The cycle that benchmark runs logged. In READ COMMITTED, an update that meets a row changed
// after its snapshot locks the row's newest version before it checks its condition again, and
// keeps that lock when the row no longer matches. So the benchmark's cancellation, started before
// a claim, also locks the claimed messages it reaches, in its own order, while the attempt write
// locks them in another.
describe('attempt write beside the benchmark cancel', () => {
  // After a failed attempt the cancellation finds the message waiting for its retry, and cancels it.
  it.each([
    { statusCode: 200, cancelled: 1, states: ['CANCELLED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED'] },
    { statusCode: 500, cancelled: 3, states: ['CANCELLED', 'CANCELLED', 'CANCELLED', 'RETRY_SCHEDULED'] },
  ])('completes both without deadlock (HTTP $statusCode)', async ({ statusCode, cancelled: cancelledCount, states }) => {
    const connectionId = await newConnection(`Cancelled ${statusCode}`);
    const start = Date.now() - HOUR_MS;
    // Ids, storage and due times all ascend from first to last, so the cancellation meets the
    // rows in that order whichever plan it runs.
    const [firstId] = await insertMessages(connectionId, 1, { state: 'PENDING', at: new Date(start) });
    const [middleId] = await insertMessages(connectionId, 1, { state: 'PENDING', at: new Date(start + SECOND_MS) });
    const [highId] = await insertMessages(connectionId, 1, { state: 'PENDING', at: new Date(start + 2 * SECOND_MS) });
    const [lastId] = await insertMessages(connectionId, 1, { state: 'PENDING', at: new Date(start + 3 * SECOND_MS) });
    // Claimed alone, before the cancellation starts, which then finds it DELIVERING and passes it by.
    await probe.query(`update push_messages set next_attempt_at = $2 where id = $1`, [lastId, new Date(start - HOUR_MS)]);
    const [last] = await claim([lastId]);

    await holder.query('begin');
    await secondHolder.query('begin');
    try {
      await holder.query(`select id from push_messages where id = $1 for no key update`, [firstId]);
      const holderPid = await backendPid(holder);

      // The cancellation takes its snapshot and waits for the first row, before any other.
      const cancelled = cancelWaitingMessages(app.databaseUrl, 0);
      cancelled.catch(() => undefined);
      const cancelPid = await backendBlockedBy(holderPid, 'the cancellation to wait for the first row');

      // A worker claims the two rows that the cancellation has not reached and writes their
      // attempts together with `last`, in the order high, last, middle. The rows are rewritten in
      // that order, with due and update times in that order, so the write meets them in that
      // order whether its plan follows the input, the table or an index, unless it locks by id.
      // It stops at `last`, which the second holder locks.
      const now = new Date();
      const [high, middle] = await claim([highId, middleId], now);
      for (const [index, id] of [highId, lastId, middleId].entries()) {
        const time = new Date(now.getTime() + index);
        await probe.query(`update push_messages set next_attempt_at = $2, updated_at = $2 where id = $1`, [id, time]);
      }
      await secondHolder.query(`select id from push_messages where id = $1 for no key update`, [lastId]);
      const secondHolderPid = await backendPid(secondHolder);
      const written = writeAttemptBatch(app.app.services.orm.em.fork(), [high, last, middle].map((message) => attemptOf(message, statusCode, now)));
      written.catch(() => undefined);
      const writerPid = await backendBlockedBy(secondHolderPid, 'the attempt write to wait for the last row');

      // In table order the cancellation locks the claimed middle row, passes it by and waits for
      // the high row, which the write holds, and the write then waits for the middle row: a
      // deadlock. Locking by id, the write holds the middle row before the cancellation gets there.
      await holder.query('commit');
      await waitFor(() => isBlockedBy(cancelPid, writerPid), { description: 'the cancellation to wait for the attempt write' });
      await secondHolder.query('commit');

      const records = await written;
      expect(records.map((record) => record.superseded)).toEqual([false, false, false]);
      expect(await cancelled).toBe(cancelledCount);
      expect(await readStates([firstId, middleId, highId, lastId])).toEqual(states);
    } finally {
      await holder.query('rollback');
      await secondHolder.query('rollback');
    }
  });
});
