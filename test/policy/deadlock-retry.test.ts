import pg from 'pg';
import pino from 'pino';
import { retryOnDeadlock } from '../../src/database/deadlock-retry';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let database: TestDatabase;
let other: pg.Client;
let retried: pg.Client;
/** Backend process id of `other`, to see in pg_stat_activity when it waits. */
let otherPid: number;

beforeAll(async () => {
  database = await createTestDatabase();
  other = new pg.Client({ connectionString: database.url });
  retried = new pg.Client({ connectionString: database.url });
  await Promise.all([other.connect(), retried.connect()]);
  otherPid = (await other.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
  await other.query('create table rows (id int primary key, value int not null)');
  await other.query('insert into rows values (1, 0), (2, 0)');
  // A waiting backend looks for a deadlock once, after this wait (one second by default), so the
  // client that waits last is the one that finds the cycle and is aborted.
  await other.query(`set deadlock_timeout = '10s'`);
  await retried.query(`set deadlock_timeout = '50ms'`);
});

afterAll(async () => {
  await Promise.all([other?.end(), retried?.end()]);
  await database?.drop();
});

/** Resolves once the other client waits for a row lock. */
async function otherWaitsForLock(): Promise<void> {
  for (;;) {
    const { rows } = await retried.query<{ waiting: boolean }>(
      `select exists (select 1 from pg_stat_activity where pid = $1 and wait_event_type = 'Lock') as waiting`,
      [otherPid],
    );
    if (rows[0].waiting) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('retryOnDeadlock', () => {
  it('runs a deadlock victim again', async () => {
    const logLines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => logLines.push(JSON.parse(line)) });
    await other.query('begin');
    await other.query('update rows set value = value + 1 where id = 1');
    let attempts = 0;
    let otherRun: Promise<unknown> | null = null;

    await retryOnDeadlock(async () => {
      attempts += 1;
      await retried.query('begin');
      try {
        await retried.query('update rows set value = value + 1 where id = 2');
        if (attempts === 1) {
          // The other client now waits for row 2, and this one then waits for row 1: a cycle.
          otherRun = other.query('update rows set value = value + 1 where id = 2').then(() => other.query('commit'));
          await otherWaitsForLock();
        }
        await retried.query('update rows set value = value + 1 where id = 1');
        await retried.query('commit');
      } catch (error) {
        await retried.query('rollback');
        throw error;
      }
    }, { logger, action: 'update two rows', fields: { rowIds: [1, 2] } });
    await otherRun;

    expect(attempts).toBe(2);
    expect(logLines).toHaveLength(1);
    expect(logLines[0]).toMatchObject({ level: 40, msg: 'a deadlock aborted the transaction, so it runs again', action: 'update two rows', rowIds: [1, 2], attempt: 1, maxAttempts: 3 });
    expect((logLines[0].err as { code?: string }).code).toBe('40P01');
    const { rows } = await retried.query<{ id: number; value: number }>('select id, value from rows order by id');
    expect(rows).toEqual([
      { id: 1, value: 2 },
      { id: 2, value: 2 },
    ]);
  });

  it('raises other errors at once', async () => {
    let attempts = 0;

    await expect(
      retryOnDeadlock(async () => {
        attempts += 1;
        await retried.query('select 1 / 0');
      }),
    ).rejects.toThrow('division by zero');
    expect(attempts).toBe(1);
  });
});
