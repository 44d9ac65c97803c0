import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { DELIVER_JOB } from '../src/jobs/agenda-queue';
import { summariseLatencies, type LatencySummary } from './stats';

/** Cumulative activity counters of one database, from pg_stat_database. */
export interface DatabaseCounters {
  commits: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
}

/**
 * Reads the counters of the database that `url` names. PostgreSQL 15 publishes a backend's counts
 * in batches, about once a second while it is busy, so differences over a window of several
 * seconds are approximate.
 */
export async function readDatabaseCounters(url: string): Promise<DatabaseCounters | null> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ xact_commit: string; tup_inserted: string; tup_updated: string; tup_deleted: string }>(
      'select xact_commit, tup_inserted, tup_updated, tup_deleted from pg_stat_database where datname = current_database()',
    );
    const row = rows[0];
    return { commits: Number(row.xact_commit), rowsInserted: Number(row.tup_inserted), rowsUpdated: Number(row.tup_updated), rowsDeleted: Number(row.tup_deleted) };
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function countersBetween(before: DatabaseCounters | null, after: DatabaseCounters | null): DatabaseCounters | null {
  if (!before || !after) return null;
  return {
    commits: after.commits - before.commits,
    rowsInserted: after.rowsInserted - before.rowsInserted,
    rowsUpdated: after.rowsUpdated - before.rowsUpdated,
    rowsDeleted: after.rowsDeleted - before.rowsDeleted,
  };
}

/**
 * Times `count` single-row INSERT transactions in a row on one connection: the floor of every
 * commit that a delivery makes, set by the server's WAL flush (synchronous_commit) and the disk.
 */
export async function measureCommitLatency(url: string, count = 200): Promise<LatencySummary> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // A regular table, not a temporary one: temporary tables write no WAL, so their commits skip the flush.
    await client.query('create table if not exists bench_commit_latency (id serial primary key, note text)');
    const durations: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const started = performance.now();
      await client.query('insert into bench_commit_latency (note) values ($1)', [`probe ${i}`]);
      durations.push(performance.now() - started);
    }
    await client.query('drop table bench_commit_latency');
    return summariseLatencies(durations);
  } finally {
    await client.end();
  }
}

/**
 * Cancels the messages still waiting after a point, so the next point starts without the previous
 * one's backlog. Their jobs stay, because a running worker may hold them, and end at once on a
 * cancelled message. Then waits up to `settleMs` for the attempts in flight to finish, vacuums
 * the queue tables and returns the number of messages cancelled.
 *
 * The workers keep running meanwhile. The update also locks messages that they claim after it
 * started, when it reaches them, so it locks the rows in ascending id order, as docpush's attempt
 * write does. Locking them in table order deadlocked with attempt writes.
 */
export async function cancelWaitingMessages(url: string, settleMs: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ cancelled: string }>(
      `with waiting as (
         select id from push_messages where state in ('PENDING', 'RETRY_SCHEDULED') order by id for no key update
       ), cancelled as (
         update push_messages m set state = 'CANCELLED', next_attempt_at = null
           from waiting
          where m.id = waiting.id
         returning m.id)
       select count(*) as cancelled from cancelled`,
    );
    const deadline = performance.now() + settleMs;
    while (performance.now() < deadline) {
      const { rows: delivering } = await client.query<{ count: string }>(`select count(*) from push_messages where state = 'DELIVERING'`);
      if (Number(delivering[0].count) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await vacuumQueueTables(client);
    return Number(rows[0].cancelled);
  } finally {
    await client.end();
  }
}

/**
 * Removes the dead row versions that a point left in the queue tables, as autovacuum or
 * docpush's own queue vacuum would in a steady state. Without it the next point's claims read
 * through tens of thousands of them at its start, which the benchmark machine's PostgreSQL,
 * with autovacuum off, never cleans by itself.
 */
async function vacuumQueueTables(client: pg.Client): Promise<void> {
  await client.query('vacuum (analyze) push_messages');
  await client.query('vacuum (analyze) push_logs');
}

/** How often the database backends of a run were seen in each state, from pg_stat_activity samples. */
export interface WaitProfile {
  samples: number;
  /** Backend-samples by what the backend was doing: "waiting: Lock/advisory", "running", "idle in transaction". */
  byState: Array<{ state: string; count: number }>;
  /** Backend-samples of non-idle backends by the start of their statement. */
  byStatement: Array<{ statement: string; count: number }>;
}

/**
 * Samples pg_stat_activity of the database every `intervalMs` until `stop` is called: a cheap
 * wait-event profile that shows whether the time goes to locks, to I/O or to clients.
 */
export function sampleDatabaseWaits(url: string, intervalMs = 200): { stop(): Promise<WaitProfile> } {
  const byState = new Map<string, number>();
  const byStatement = new Map<string, number>();
  let samples = 0;
  let running = true;
  const client = new pg.Client({ connectionString: url });

  const loop = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query<{ state: string | null; wait_event_type: string | null; wait_event: string | null; query: string }>(
        `select state, wait_event_type, wait_event, query from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`,
      );
      samples += 1;
      for (const row of rows) {
        const label = describeBackend(row);
        if (label === null) continue;
        byState.set(label, (byState.get(label) ?? 0) + 1);
        const statement = row.query.replace(/\s+/g, ' ').trim().slice(0, 70);
        byStatement.set(statement, (byStatement.get(statement) ?? 0) + 1);
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();

  return {
    stop: async () => {
      running = false;
      await loop.catch(() => undefined);
      await client.end().catch(() => undefined);
      const top = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
      return {
        samples,
        byState: top(byState).map(([state, count]) => ({ state, count })),
        byStatement: top(byStatement).map(([statement, count]) => ({ statement, count })),
      };
    },
  };
}

/** Labels a backend that is doing something for a client; null for one idle between requests or waiting for LISTEN. */
function describeBackend(row: { state: string | null; wait_event_type: string | null; wait_event: string | null }): string | null {
  if (row.state === 'idle') return null;
  if (row.state === 'idle in transaction') return 'idle in transaction (waiting for its client)';
  if (row.wait_event_type) return `waiting: ${row.wait_event_type}/${row.wait_event}`;
  return 'running';
}

/**
 * Cancels every unfinished message and deletes every delivery job. Call it only while no docpush
 * process runs: it leaves the next start an empty queue, without jobs that a stopped worker had
 * locked into its memory.
 */
export async function resetDeliveryQueue(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`update push_messages set state = 'CANCELLED', next_attempt_at = null where state in ('PENDING', 'DELIVERING', 'RETRY_SCHEDULED')`);
    await client.query('delete from agenda_jobs where name = $1', [DELIVER_JOB]);
    await vacuumQueueTables(client);
  } finally {
    await client.end();
  }
}
