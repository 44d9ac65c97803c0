import type { EntityManager } from '@mikro-orm/postgresql';

export const RETENTION_JOB = 'purge-expired-rows';

export interface PurgeOptions {
  /** Rows older than this are deleted. */
  cutoff: Date;
  /** Rows per DELETE statement. */
  batchSize: number;
  /** Agenda's job table in the same database, or null when jobs live elsewhere (MongoDB). */
  jobTable: string | null;
}

export interface PurgeCounts {
  pushLogs: number;
  pushMessages: number;
  agendaJobs: number;
}

/**
 * Deletes push logs created before the cutoff, finished messages (SUCCEEDED, FAILED, CANCELLED)
 * last changed before it, with the sample events of purged test messages, and Agenda's
 * finished one-time job rows. Each statement deletes at most `batchSize` rows of its table in
 * its own transaction, so it holds its row locks only briefly. It skips rows that other
 * transactions have locked, so it never waits for a delivery that holds one.
 */
export async function purgeExpiredRows(em: EntityManager, options: PurgeOptions): Promise<PurgeCounts> {
  const { cutoff, batchSize } = options;
  const pushLogs = await deleteInBatches(batchSize, () =>
    em.execute(
      `delete from push_logs where id in (
         select id from push_logs where created_at < ? order by id limit ? for update skip locked)
       returning id`,
      [cutoff, batchSize],
    ),
  );

  // A test message is the only user of its sample event, so the event goes with the message.
  const pushMessages = await deleteInBatches(batchSize, () =>
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
  return { pushLogs, pushMessages, agendaJobs };
}

/**
 * Deletes one-time jobs that will not run again (no next run, not locked) and finished before
 * the cutoff. With removeOnComplete Agenda deletes a job that succeeds, so these are mostly jobs
 * that failed, kept until now for their fail_reason.
 */
function purgeFinishedJobs(em: EntityManager, jobTable: string, cutoff: Date, batchSize: number): Promise<number> {
  return deleteInBatches(batchSize, () =>
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

/** Runs `deleteBatch` until a batch comes back smaller than `batchSize`, and returns the number of rows deleted. */
async function deleteInBatches(batchSize: number, deleteBatch: () => Promise<unknown[]>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = (await deleteBatch()).length;
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
