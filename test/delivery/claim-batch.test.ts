import pg from 'pg';
import { startTestApp, dataOf, type TestApp } from '../support/test-app';
import { seedWorkspace, seedRecord, recordEvent } from '../support/fixtures';
import { createEnabledConnection } from '../reliability/reliability-support';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { ABANDONED_NOTE, claimAndLoadDueMessages, nextDueTime, releaseClaims, type BatchClaimOptions } from '../../src/delivery/steps/claim-batch.step';
import { claimMessage } from '../../src/delivery/steps/claim-message.step';
import { DeletePushConnectionDocument, DisablePushConnectionDocument } from '../generated/graphql';

// The API role starts no dispatcher, so only the claims of these tests take messages.
let app: TestApp;
let pool: pg.Pool;
let workspaceId: number;
let eventId: number;

const STALE_AFTER_MS = 60_000;
const SECOND_MS = 1000;
const RELEASE_NOTE = 'The worker stopped during this attempt and ended its request; the message was queued again.';

beforeAll(async () => {
  app = await startTestApp({ DOCPUSH_ROLE: 'api' });
  pool = new pg.Pool({ connectionString: app.databaseUrl, max: 4 });
  const seeded = await seedWorkspace(app);
  workspaceId = seeded.workspaceId;
  const record = await seedRecord(app, seeded);
  // No connection selects DocumentRecordCreated, so this event only gives the inserted messages an event to belong to.
  ({ eventId } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordCreated, seeded.author));
});

beforeEach(async () => {
  await pool.query(`delete from push_messages`);
});

afterAll(async () => {
  await pool?.end();
  await app?.stop();
});

async function newConnection(name: string): Promise<number> {
  const created = await createEnabledConnection(app, { name, url: 'http://127.0.0.1:9/webhook' });
  return Number(created.id);
}

interface MessageRows {
  state?: 'PENDING' | 'DELIVERING' | 'RETRY_SCHEDULED' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  attempts?: number;
  /** Due time of the first row; each further row is due `spacingMs` later. Null leaves the column empty. */
  nextAttemptAt?: Date | null;
  spacingMs?: number;
  createdAt?: Date;
  updatedAt?: Date;
}

let insertedBatches = 0;

/** Inserts `count` messages of a connection straight into push_messages and returns their ids in due order. */
async function insertMessages(connectionId: number, count: number, rows: MessageRows = {}): Promise<string[]> {
  insertedBatches += 1;
  const now = Date.now();
  const result = await pool.query<{ id: string }>(
    `insert into push_messages (id, workspace_id, connection_id, event_id, state, attempts, next_attempt_at, created_at, updated_at)
     select $1 || lpad(g::text, 4, '0'), $2, $3, $4, $5::push_message_state, $6,
            $7::timestamptz + (g - 1) * $8::int * interval '1 millisecond',
            $9::timestamptz + (g - 1) * interval '1 millisecond', $10
       from generate_series(1, $11::int) g
     returning id`,
    [
      `msg_claim_${String(insertedBatches).padStart(4, '0')}_`,
      workspaceId,
      connectionId,
      eventId,
      rows.state ?? 'PENDING',
      rows.attempts ?? 0,
      rows.nextAttemptAt === undefined ? new Date(now - 10 * SECOND_MS) : rows.nextAttemptAt,
      rows.spacingMs ?? 1,
      rows.createdAt ?? new Date(now - 3600 * SECOND_MS),
      rows.updatedAt ?? new Date(now - 3600 * SECOND_MS),
      count,
    ],
  );
  return result.rows.map((row) => row.id).sort();
}

interface MessageRow {
  id: string;
  state: string;
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  updated_at: Date;
}

async function readMessages(ids: string[]): Promise<Map<string, MessageRow>> {
  const result = await pool.query<MessageRow>(
    `select id, state, attempts, next_attempt_at, last_error, updated_at from push_messages where id = any($1::text[])`,
    [ids],
  );
  return new Map(result.rows.map((row) => [row.id, row]));
}

/** Claims as the dispatcher does and returns the ids of the claimed messages. */
async function claim(options: Partial<BatchClaimOptions> & { now: Date }): Promise<string[]> {
  const messages = await claimAndLoadDueMessages(app.app.services.orm.em.fork(), {
    limit: 50,
    connectionConcurrency: 100,
    staleAfterMs: STALE_AFTER_MS,
    ...options,
  });
  return messages.map((message) => message.id);
}

function sorted(ids: string[]): string[] {
  return [...ids].sort();
}

describe('claimAndLoadDueMessages', () => {
  it('claims due pending and retry rows only', async () => {
    const connectionId = await newConnection('Due rows');
    const now = new Date();
    const pendingDue = await insertMessages(connectionId, 2, { nextAttemptAt: new Date(now.getTime() - 5 * SECOND_MS) });
    const retryDue = await insertMessages(connectionId, 2, { state: 'RETRY_SCHEDULED', attempts: 2, nextAttemptAt: new Date(now.getTime() - SECOND_MS) });
    const dueExactlyNow = await insertMessages(connectionId, 1, { nextAttemptAt: now });
    const pendingLater = await insertMessages(connectionId, 2, { nextAttemptAt: new Date(now.getTime() + 60 * SECOND_MS) });
    const retryLater = await insertMessages(connectionId, 2, { state: 'RETRY_SCHEDULED', attempts: 1, nextAttemptAt: new Date(now.getTime() + SECOND_MS) });
    const finished = [
      ...(await insertMessages(connectionId, 1, { state: 'SUCCEEDED', attempts: 1 })),
      ...(await insertMessages(connectionId, 1, { state: 'FAILED', attempts: 8 })),
      ...(await insertMessages(connectionId, 1, { state: 'CANCELLED' })),
    ];

    const claimed = await claim({ now });

    expect(sorted(claimed)).toEqual(sorted([...pendingDue, ...retryDue, ...dueExactlyNow]));
    const rows = await readMessages([...claimed, ...pendingLater, ...retryLater, ...finished]);
    for (const id of [...pendingDue, ...dueExactlyNow]) {
      expect(rows.get(id)).toMatchObject({ state: 'DELIVERING', attempts: 1, updated_at: now });
    }
    for (const id of retryDue) {
      expect(rows.get(id)).toMatchObject({ state: 'DELIVERING', attempts: 3, updated_at: now });
    }
    for (const id of pendingLater) expect(rows.get(id)).toMatchObject({ state: 'PENDING', attempts: 0 });
    for (const id of retryLater) expect(rows.get(id)).toMatchObject({ state: 'RETRY_SCHEDULED', attempts: 1 });
    expect(finished.map((id) => rows.get(id)?.state)).toEqual(['SUCCEEDED', 'FAILED', 'CANCELLED']);
    expect(await claim({ now })).toEqual([]);
  });

  it('skips disabled and deleted connections', async () => {
    const enabled = await newConnection('Enabled');
    const disabled = await newConnection('Disabled');
    const deleted = await newConnection('Deleted');
    dataOf(await app.request(DisablePushConnectionDocument, { id: String(disabled) }));
    // deletePushConnection also disables the connection. This row stays enabled, so only deleted_at excludes it.
    await pool.query(`update push_connections set deleted_at = now() where id = $1`, [deleted]);
    const enabledIds = await insertMessages(enabled, 3);
    const skippedIds = [...(await insertMessages(disabled, 3)), ...(await insertMessages(deleted, 3))];

    const claimed = await claim({ now: new Date() });

    expect(sorted(claimed)).toEqual(enabledIds);
    const rows = await readMessages(skippedIds);
    for (const id of skippedIds) expect(rows.get(id)).toMatchObject({ state: 'PENDING', attempts: 0 });
  });

  it('counts fresh claims against the limit', async () => {
    const connectionId = await newConnection('Two in flight');
    const now = new Date();
    await insertMessages(connectionId, 2, { state: 'DELIVERING', attempts: 1, updatedAt: new Date(now.getTime() - SECOND_MS) });
    const due = await insertMessages(connectionId, 5, { spacingMs: 1000 });

    expect(await claim({ now, connectionConcurrency: 3 })).toEqual([due[0]]);
    expect(await claim({ now, connectionConcurrency: 3 })).toEqual([]);
    expect(sorted(await claim({ now, connectionConcurrency: 5 }))).toEqual(due.slice(1, 3));
  });

  it('frees slots of ended requests', async () => {
    const connectionId = await newConnection('Written after their requests');
    const now = new Date();
    const requestsEnded = await insertMessages(connectionId, 2, { state: 'DELIVERING', attempts: 1, updatedAt: new Date(now.getTime() - SECOND_MS) });
    const due = await insertMessages(connectionId, 5, { spacingMs: 1000 });

    expect(sorted(await claim({ now, connectionConcurrency: 3, requestEndedIds: requestsEnded }))).toEqual(due.slice(0, 3));
    const rows = await readMessages(requestsEnded);
    for (const id of requestsEnded) expect(rows.get(id)).toMatchObject({ state: 'DELIVERING', attempts: 1 });
  });

  it('claims stale delivering rows again', async () => {
    const connectionId = await newConnection('Stale');
    const now = new Date();
    const stale = await insertMessages(connectionId, 2, {
      state: 'DELIVERING',
      attempts: 1,
      nextAttemptAt: new Date(now.getTime() - 3600 * SECOND_MS),
      updatedAt: new Date(now.getTime() - STALE_AFTER_MS - SECOND_MS),
    });
    const fresh = await insertMessages(connectionId, 1, { state: 'DELIVERING', attempts: 1, updatedAt: new Date(now.getTime() - SECOND_MS) });
    const due = await insertMessages(connectionId, 2);

    // The fresh row takes one of four slots and stale rows take none, so both stale rows and one due row fit.
    const claimed = await claim({ now, connectionConcurrency: 4 });

    expect(sorted(claimed)).toEqual(sorted([...stale, due[0]]));
    const rows = await readMessages([...stale, ...fresh]);
    for (const id of stale) expect(rows.get(id)).toMatchObject({ state: 'DELIVERING', attempts: 2, updated_at: now, last_error: ABANDONED_NOTE });
    expect(rows.get(fresh[0])).toMatchObject({ state: 'DELIVERING', attempts: 1 });
  });

  it('serves others past a full connection', async () => {
    const full = await newConnection('Full backlog');
    const other = await newConnection('Small backlog');
    const now = new Date();
    await insertMessages(full, 5, { state: 'DELIVERING', attempts: 1, updatedAt: new Date(now.getTime() - SECOND_MS) });
    await insertMessages(full, 200, { nextAttemptAt: new Date(now.getTime() - 3600 * SECOND_MS) });
    const otherIds = await insertMessages(other, 5, { nextAttemptAt: new Date(now.getTime() - SECOND_MS) });

    const claimed = await claim({ now, limit: 10, connectionConcurrency: 5 });

    expect(sorted(claimed)).toEqual(otherIds);
  });

  // A connection with one free slot and a long, older backlog must not fill the claim: its rows
  // past the free slot are not candidates, so another connection's due messages are claimed too.
  it('serves others past a nearly full connection', async () => {
    const busy = await newConnection('Almost full backlog');
    const other = await newConnection('Waiting behind it');
    const now = new Date();
    await insertMessages(busy, 4, { state: 'DELIVERING', attempts: 1, updatedAt: new Date(now.getTime() - SECOND_MS) });
    const backlog = await insertMessages(busy, 200, { nextAttemptAt: new Date(now.getTime() - 3600 * SECOND_MS) });
    const otherIds = await insertMessages(other, 5, { nextAttemptAt: new Date(now.getTime() - SECOND_MS) });

    const claimed = await claim({ now, limit: 10, connectionConcurrency: 5 });

    expect(sorted(claimed)).toEqual(sorted([backlog[0], ...otherIds]));
  });

  it('splits rows between concurrent claims', async () => {
    const connections = [await newConnection('Shared 1'), await newConnection('Shared 2'), await newConnection('Shared 3')];
    const all: string[] = [];
    for (const connectionId of connections) all.push(...(await insertMessages(connectionId, 40)));

    const claimed: string[] = [];
    let rounds = 0;
    for (;;) {
      rounds += 1;
      const now = new Date();
      const results = await Promise.all([1, 2, 3, 4].map(() => claim({ now, limit: 10 })));
      const round = results.flat();
      if (round.length === 0) break;
      claimed.push(...round);
    }

    expect(new Set(claimed).size).toBe(claimed.length);
    expect(sorted(claimed)).toEqual(sorted(all));
    expect(rounds).toBeGreaterThan(1);
    const attempts = await pool.query<{ attempts: number; count: number }>(
      `select attempts, count(*)::int as count from push_messages group by attempts`,
    );
    expect(attempts.rows).toEqual([{ attempts: 1, count: all.length }]);
  });

  it('claims the oldest due rows first', async () => {
    const connectionId = await newConnection('Ordered');
    const now = new Date();
    const at = (secondsAgo: number) => new Date(now.getTime() - secondsAgo * SECOND_MS);
    const [newest] = await insertMessages(connectionId, 1, { nextAttemptAt: at(10), createdAt: at(1) });
    const [oldest] = await insertMessages(connectionId, 1, { nextAttemptAt: at(30), createdAt: at(2) });
    const [tieCreatedLater] = await insertMessages(connectionId, 1, { nextAttemptAt: at(20), createdAt: at(5) });
    const [tieCreatedEarlier] = await insertMessages(connectionId, 1, { nextAttemptAt: at(20), createdAt: at(50) });

    expect(sorted(await claim({ now, limit: 2 }))).toEqual(sorted([oldest, tieCreatedEarlier]));
    expect(await claim({ now, limit: 1 })).toEqual([tieCreatedLater]);
    expect(await claim({ now, limit: 1 })).toEqual([newest]);
  });
});

describe('claimAndLoadDueMessages with a generic plan', () => {
  /** Claims as `claim` does, with the plan PostgreSQL may use after five executions of the statement on a connection. */
  async function claimWithGenericPlan(options: Partial<BatchClaimOptions> & { now: Date }): Promise<string[]> {
    return app.app.services.orm.em.fork().transactional(async (tx) => {
      await tx.execute('set local plan_cache_mode = force_generic_plan');
      const messages = await claimAndLoadDueMessages(tx, { limit: 50, connectionConcurrency: 100, staleAfterMs: STALE_AFTER_MS, ...options });
      return messages.map((message) => message.id);
    });
  }

  it('keeps to free slots per connection', async () => {
    const lower = await newConnection('Lower id');
    const target = await newConnection('One slot taken');
    const higher = await newConnection('Higher id');
    const now = new Date();
    const later = await insertMessages(lower, 2, { nextAttemptAt: new Date(now.getTime() + 60 * SECOND_MS) });
    await insertMessages(target, 1, { state: 'DELIVERING', attempts: 1, updatedAt: new Date(now.getTime() - SECOND_MS) });
    const stale = await insertMessages(target, 1, {
      state: 'DELIVERING',
      attempts: 1,
      nextAttemptAt: new Date(now.getTime() - 3600 * SECOND_MS),
      updatedAt: new Date(now.getTime() - STALE_AFTER_MS - SECOND_MS),
    });
    const due = await insertMessages(target, 4, { spacingMs: 1000 });
    const retryLater = await insertMessages(target, 1, { state: 'RETRY_SCHEDULED', attempts: 1, nextAttemptAt: new Date(now.getTime() + SECOND_MS) });
    const dueNow = await insertMessages(higher, 1, { nextAttemptAt: now });

    // The target has two free slots of three: its stale row and its oldest due row fill them.
    const claimed = await claimWithGenericPlan({ now, connectionConcurrency: 3 });

    expect(sorted(claimed)).toEqual(sorted([...stale, due[0], ...dueNow]));
    const rows = await readMessages([...later, ...retryLater, ...due.slice(1)]);
    for (const row of rows.values()) expect(row.state).not.toBe('DELIVERING');
  });
});

describe('releaseClaims', () => {
  it('requeues only rows still at the claimed attempt', async () => {
    const connectionId = await newConnection('Released');
    const claimedAt = new Date();
    const ids = await insertMessages(connectionId, 3);
    expect(sorted(await claim({ now: claimedAt }))).toEqual(ids);
    const [stillRunning, takenOver, finished] = ids;
    await pool.query(`update push_messages set attempts = 2, updated_at = now() where id = $1`, [takenOver]);
    await pool.query(`update push_messages set state = 'SUCCEEDED', next_attempt_at = null where id = $1`, [finished]);
    const before = await readMessages(ids);

    const releasedAt = new Date(claimedAt.getTime() + SECOND_MS);
    const released = await releaseClaims(
      app.app.services.orm.em.fork(),
      ids.map((id) => ({ id, attempt: 1 })),
      releasedAt,
    );

    expect(released).toBe(1);
    const after = await readMessages(ids);
    expect(after.get(stillRunning)).toEqual({
      id: stillRunning,
      state: 'RETRY_SCHEDULED',
      attempts: 1,
      next_attempt_at: releasedAt,
      last_error: RELEASE_NOTE,
      updated_at: releasedAt,
    });
    expect(after.get(takenOver)).toEqual(before.get(takenOver));
    expect(after.get(finished)).toEqual(before.get(finished));
    // Due at once: the next claim takes it and counts a second attempt.
    expect(await claim({ now: releasedAt })).toEqual([stillRunning]);
    expect((await readMessages([stillRunning])).get(stillRunning)?.attempts).toBe(2);
  });

  it('releases nothing for no claims', async () => {
    expect(await releaseClaims(app.app.services.orm.em.fork(), [], new Date())).toBe(0);
  });
});

describe('nextDueTime', () => {
  it('returns null when no retry lies ahead', async () => {
    const connectionId = await newConnection('Nothing ahead');
    const now = new Date();
    await insertMessages(connectionId, 2, { nextAttemptAt: new Date(now.getTime() - SECOND_MS) });
    await insertMessages(connectionId, 1, { state: 'RETRY_SCHEDULED', nextAttemptAt: now });

    expect(await nextDueTime(app.app.services.orm.em.fork(), now)).toBeNull();
  });

  it('returns the earliest future retry', async () => {
    const connectionId = await newConnection('Ahead');
    const now = new Date();
    const later = (ms: number) => new Date(now.getTime() + ms);
    await insertMessages(connectionId, 1, { nextAttemptAt: later(5000) });
    await insertMessages(connectionId, 2, { state: 'RETRY_SCHEDULED', nextAttemptAt: later(2500), spacingMs: 100 });
    await insertMessages(connectionId, 1, { state: 'RETRY_SCHEDULED', nextAttemptAt: new Date(now.getTime() - SECOND_MS) });
    // Only waiting rows count: these carry earlier times but are running or finished.
    await insertMessages(connectionId, 1, { state: 'DELIVERING', attempts: 1, nextAttemptAt: later(100) });
    await insertMessages(connectionId, 1, { state: 'SUCCEEDED', attempts: 1, nextAttemptAt: later(200) });

    expect(await nextDueTime(app.app.services.orm.em.fork(), now)).toEqual(later(2500));
  });
});

describe('claimMessage', () => {
  /** Claims one message as an operator resend (`force`) or a single-message job does. */
  async function claimOne(messageId: string, options: { force: boolean; connectionConcurrency: number; now: Date }) {
    return claimMessage(app.app.services.orm.em.fork(), messageId, { staleAfterMs: STALE_AFTER_MS, ...options });
  }

  it('keeps to the connection limit', async () => {
    const connectionId = await newConnection('Single claims at the limit');
    const now = new Date();
    await insertMessages(connectionId, 2, { state: 'DELIVERING', attempts: 1, updatedAt: new Date(now.getTime() - SECOND_MS) });
    // A stale claim was left by a stopped worker, so it takes no slot.
    await insertMessages(connectionId, 1, { state: 'DELIVERING', attempts: 1, updatedAt: new Date(now.getTime() - 2 * STALE_AFTER_MS) });
    const [pending] = await insertMessages(connectionId, 1);
    const [finished] = await insertMessages(connectionId, 1, { state: 'SUCCEEDED', attempts: 1 });
    const before = await readMessages([pending, finished]);

    const dueAtLimit = await claimOne(pending, { force: false, connectionConcurrency: 2, now });
    const resendAtLimit = await claimOne(finished, { force: true, connectionConcurrency: 2, now });

    expect(dueAtLimit.kind).toBe('busy');
    expect(resendAtLimit.kind).toBe('busy');
    expect(await readMessages([pending, finished])).toEqual(before);

    const dueBelowLimit = await claimOne(pending, { force: false, connectionConcurrency: 3, now });

    expect(dueBelowLimit.kind).toBe('claimed');
    expect((await readMessages([pending])).get(pending)).toMatchObject({ state: 'DELIVERING', attempts: 1, updated_at: now });
  });

  it('leaves attempts of a deleted connection running', async () => {
    const connectionId = await newConnection('Deleted during attempts');
    const now = new Date();
    const [running] = await insertMessages(connectionId, 1, { state: 'DELIVERING', attempts: 1, updatedAt: new Date(now.getTime() - SECOND_MS) });
    const [abandoned] = await insertMessages(connectionId, 1, { state: 'DELIVERING', attempts: 1, updatedAt: new Date(now.getTime() - 2 * STALE_AFTER_MS) });
    dataOf(await app.request(DeletePushConnectionDocument, { id: String(connectionId) }));
    // A stopping worker's release can leave a waiting message that the deletion did not see.
    const [released] = await insertMessages(connectionId, 1, { state: 'RETRY_SCHEDULED', attempts: 1 });
    const before = await readMessages([running, abandoned]);

    // Each claim is an operator resend that was queued before the deletion.
    const results = [];
    for (const id of [running, abandoned, released]) results.push(await claimOne(id, { force: true, connectionConcurrency: 10, now }));

    expect(results.map((result) => result.kind)).toEqual(['skipped', 'skipped', 'skipped']);
    // The running attempt's write settles its message, and the sweeper logs the abandoned one as it cancels it.
    expect(await readMessages([running, abandoned])).toEqual(before);
    expect((await readMessages([released])).get(released)).toMatchObject({ state: 'CANCELLED', next_attempt_at: null });
  });
});
