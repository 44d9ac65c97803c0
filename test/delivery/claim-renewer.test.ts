import pg from 'pg';
import pino from 'pino';
import { startTestApp, type TestApp } from '../support/test-app';
import { seedWorkspace, seedRecord, recordEvent, type SeededWorkspace } from '../support/fixtures';
import { waitFor } from '../support/wait';
import { createEnabledConnection } from '../reliability/reliability-support';
import { DocumentRecordEventType } from '../../src/records/event-type';
import { newMessageId } from '../../src/common/ids';
import { ClaimRenewer } from '../../src/delivery/claim-renewer';
import { claimAndLoadDueMessages } from '../../src/delivery/steps/claim-batch.step';
import { takeUnqueuedMessages } from '../../src/jobs/sweeper.job';

// The API role runs no dispatcher or sweeper, so only these tests claim, renew and take over the
// inserted messages.
let app: TestApp;
let seeded: SeededWorkspace;
let connectionId: number;
let eventId: number;
let pool: pg.Pool;
let renewer: ClaimRenewer | null = null;
/** Warning lines that the renewer logged, parsed. */
const warnings: Array<Record<string, unknown>> = [];

const HOUR_MS = 3_600_000;

beforeAll(async () => {
  app = await startTestApp({ DOCPUSH_ROLE: 'api' });
  seeded = await seedWorkspace(app);
  pool = new pg.Pool({ connectionString: app.databaseUrl, max: 2 });
  connectionId = Number((await createEnabledConnection(app, { url: 'http://127.0.0.1:9/webhook' })).id);
  const record = await seedRecord(app, seeded);
  // No connection selects DocumentRecordCreated, so this event only gives the inserted messages an event to belong to.
  ({ eventId } = await recordEvent(app, record, DocumentRecordEventType.DocumentRecordCreated, seeded.author));
});

afterEach(async () => {
  await renewer?.stop();
  renewer = null;
  warnings.length = 0;
  await pool.query('truncate push_messages');
});

afterAll(async () => {
  await pool?.end();
  await app?.stop();
});

function startRenewer(staleAfterMs: number): ClaimRenewer {
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line) as Record<string, unknown>) });
  renewer = new ClaimRenewer({ orm: app.app.services.orm, logger, staleAfterMs });
  return renewer;
}

/** Inserts a message claimed at `claimedAt` by attempt 1, as a claim leaves it, and returns its id. */
async function insertClaimedMessage(claimedAt: Date): Promise<string> {
  const id = newMessageId();
  await pool.query(
    `insert into push_messages (id, workspace_id, connection_id, event_id, state, attempts, next_attempt_at, created_at, updated_at)
     values ($1, $2, $3, $4, 'DELIVERING', 1, $5, $5, $5)`,
    [id, seeded.workspaceId, connectionId, eventId, claimedAt],
  );
  return id;
}

async function readUpdatedAt(id: string): Promise<number> {
  const result = await pool.query<{ updated_at: Date }>(`select updated_at from push_messages where id = $1`, [id]);
  return result.rows[0].updated_at.getTime();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('claim renewer', () => {
  it('renews only claims past a third', async () => {
    // Checks every second and renews the claims written more than 2 s ago.
    const claims = startRenewer(6000);
    const claimedAt = new Date();
    const messageId = await insertClaimedMessage(claimedAt);
    claims.hold(messageId, 1, claimedAt);

    await sleep(1500);
    expect(await readUpdatedAt(messageId)).toBe(claimedAt.getTime());

    await waitFor(async () => (await readUpdatedAt(messageId)) > claimedAt.getTime(), { timeoutMs: 10_000, description: 'the claim to be renewed' });
    const renewedAt = await readUpdatedAt(messageId);
    expect(renewedAt - claimedAt.getTime()).toBeGreaterThanOrEqual(2000);
    expect(warnings).toEqual([]);
  });

  it('leaves released claims alone', async () => {
    const claims = startRenewer(600);
    const claimedAt = new Date();
    const messageId = await insertClaimedMessage(claimedAt);
    claims.release(claims.hold(messageId, 1, claimedAt));

    await sleep(1000);
    expect(await readUpdatedAt(messageId)).toBe(claimedAt.getTime());
    expect(claims.heldCount).toBe(0);
  });

  it('stops renewing on stop', async () => {
    const claims = startRenewer(600);
    const claimedAt = new Date();
    const messageId = await insertClaimedMessage(claimedAt);
    claims.hold(messageId, 1, claimedAt);
    await claims.stop();

    await sleep(1000);
    expect(await readUpdatedAt(messageId)).toBe(claimedAt.getTime());
  });

  it('gives up a round that waits on a locked row', async () => {
    // Renews claims older than 200 ms, and cancels a round after 200 ms.
    const claims = startRenewer(600);
    const claimedAt = new Date();
    const messageId = await insertClaimedMessage(claimedAt);
    const locker = await pool.connect();
    try {
      await locker.query('begin');
      await locker.query('select id from push_messages where id = $1 for update', [messageId]);
      claims.hold(messageId, 1, claimedAt);

      await waitFor(() => warnings.length > 0, { timeoutMs: 5000, description: 'the failed renewal to be logged' });
      expect(String(warnings[0].msg)).toContain('renewing the claims');
      expect(JSON.stringify(warnings[0])).toContain('statement timeout');
      // The stop waits for the running round, which ends by itself while the row stays locked.
      await claims.stop();
      expect(await readUpdatedAt(messageId)).toBe(claimedAt.getTime());
    } finally {
      await locker.query('rollback');
      locker.release();
    }
  });

  it.each([
    [
      'claim of another worker',
      (at: Date) => claimAndLoadDueMessages(app.app.services.orm.em.fork(), { limit: 10, connectionConcurrency: 10, staleAfterMs: HOUR_MS, now: at }),
    ],
    ['sweep', (at: Date) => takeUnqueuedMessages(app.app.services.orm.em.fork(), { graceMs: HOUR_MS, staleAfterMs: HOUR_MS, now: at })],
  ])('warns of a takeover by a %s', async (_takeover, takeOver) => {
    const claims = startRenewer(600);
    const claimedAt = new Date();
    const messageId = await insertClaimedMessage(claimedAt);
    claims.hold(messageId, 1, claimedAt);
    await waitFor(async () => (await readUpdatedAt(messageId)) > claimedAt.getTime(), { description: 'the first renewal' });

    // A worker whose clock runs two hours ahead finds the claim stale.
    const takenOver = await takeOver(new Date(Date.now() + 2 * HOUR_MS));
    expect(takenOver).toHaveLength(1);
    const updatedAfterTakeover = await readUpdatedAt(messageId);

    await waitFor(() => warnings.length > 0, { description: 'the takeover warning' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ messageId, attempt: 1 });
    expect(String(warnings[0].msg)).toContain('taken over');
    expect(claims.heldCount).toBe(0);
    expect(await readUpdatedAt(messageId)).toBe(updatedAfterTakeover);
  });
});
