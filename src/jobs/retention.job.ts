import type { EntityManager } from '@mikro-orm/postgresql';

export const RETENTION_JOB = 'purge-expired-rows';

export interface PurgeOptions {
  /** Rows older than this are deleted, and events created before it lose their record snapshot. */
  cutoff: Date;
  /** Rows per DELETE or UPDATE statement. */
  batchSize: number;
  /** Agenda's job table in the same database, or null when jobs live elsewhere (MongoDB). */
  jobTable: string | null;
}

export interface PurgeCounts {
  pushLogs: number;
  pushMessages: number;
  agendaJobs: number;
  /** Events whose record snapshot was cleared. */
  eventSnapshots: number;
}

/**
 * Deletes push logs created before the cutoff, finished messages (SUCCEEDED, FAILED, CANCELLED)
 * last changed before it, with the sample events of purged test messages, and Agenda's
 * finished one-time job rows. It also clears the record snapshot of events created before the
 * cutoff (see CLEAR_EVENT_SNAPSHOTS_SQL). Each statement deletes or updates at most `batchSize`
 * rows of its table in its own transaction, so it holds its row locks only briefly. It skips rows
 * that other transactions have locked, so it never waits for a delivery that holds one.
 */
export async function purgeExpiredRows(em: EntityManager, options: PurgeOptions): Promise<PurgeCounts> {
  const { cutoff, batchSize } = options;
  const pushLogs = await runInBatches(batchSize, () =>
    em.execute(
      `delete from push_logs where id in (
         select id from push_logs where created_at < ? order by id limit ? for update skip locked)
       returning id`,
      [cutoff, batchSize],
    ),
  );

  // A test message is the only user of its sample event, so the event goes with the message.
  const pushMessages = await runInBatches(batchSize, () =>
    em.execute(
      `with purged as (
         delete from push_messages where id in (
           select id from push_messages
            where state in ('SUCCEEDED', 'FAILED', 'CANCELLED') and updated_at < ?
            limit ? for update skip locked)
         returning id, event_id, is_test
       ), sample_events as (
         delete from document_record_events e
          using test_message_samples s
          where e.document_record_id = s.record_id and e.id in (select event_id from purged where is_test)
       )
       select id from purged`,
      [cutoff, batchSize],
    ),
  );

  const agendaJobs = options.jobTable === null ? 0 : await purgeFinishedJobs(em, options.jobTable, cutoff, batchSize);
  const eventSnapshots = await runInBatches(batchSize, () => em.execute(CLEAR_EVENT_SNAPSHOTS_SQL, [cutoff, batchSize]));
  return { pushLogs, pushMessages, agendaJobs, eventSnapshots };
}

/**
 * Clears the record snapshot of up to `limit` events created before the cutoff (the parameters,
 * in this order), oldest first. After the log retention period an event keeps no copy of its
 * record, so a later attempt or resend of one of its messages pushes the record as it is at that
 * attempt. The partial index document_record_events_snapshot_created_at_index holds only the
 * events that still have a snapshot, so a run never reads the whole timeline:
 * - PostgreSQL estimates the expired snapshots as if age and snapshot were independent, far above
 *   the few that a run finds. Ordering by created_at keeps the plan on the index even then,
 *   because a scan of the table would also need a sort.
 * - `= any(array(…))` runs the subquery once, so the UPDATE finds its rows by primary key. With
 *   `in (…)` the planner may hash-join them against a scan of the whole table (seen on
 *   PostgreSQL 15 with 9,000 events).
 * - `for no key update` is the lock that the UPDATE itself takes, so selecting the rows locks
 *   them no more than updating them does.
 */
export const CLEAR_EVENT_SNAPSHOTS_SQL = `update document_record_events set record_snapshot = null
  where id = any(array(
    select id from document_record_events
     where record_snapshot is not null and created_at < ?
     order by created_at
     limit ? for no key update skip locked))
  returning id`;

/**
 * Deletes one-time jobs that will not run again (no next run, not locked) and finished before
 * the cutoff. With removeOnComplete Agenda deletes a job that succeeds, so these are mostly jobs
 * that failed, kept until now for their fail_reason.
 */
function purgeFinishedJobs(em: EntityManager, jobTable: string, cutoff: Date, batchSize: number): Promise<number> {
  return runInBatches(batchSize, () =>
    em.execute(
      `delete from "${jobTable}" where id in (
         select id from "${jobTable}"
          where type = 'normal' and next_run_at is null and locked_at is null
            and coalesce(last_finished_at, failed_at, last_run_at, created_at) < ?
          limit ? for update skip locked)
       returning id`,
      [cutoff, batchSize],
    ),
  );
}

/** Runs `runBatch` until a batch returns fewer than `batchSize` rows, and returns the number of rows that all batches returned. */
async function runInBatches(batchSize: number, runBatch: () => Promise<unknown[]>): Promise<number> {
  let total = 0;
  for (;;) {
    const changed = (await runBatch()).length;
    total += changed;
    if (changed < batchSize) return total;
  }
}
