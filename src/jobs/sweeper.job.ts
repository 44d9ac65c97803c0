import type { EntityManager } from '@mikro-orm/postgresql';
import { ABANDONED_NOTE } from '../delivery/steps/claim-batch.step';
import { recordAbandonedLastAttempts, selectLastAttempts, type LastAttempt } from '../delivery/steps/record-abandoned.step';

export const SWEEP_JOB = 'sweep-push-messages';

/** Messages queued per sweep; a larger backlog is worked off over the next sweeps. */
export const SWEEP_BATCH_SIZE = 1000;

export interface SweepOptions {
  /** How long past its due time a message may wait for a claim. */
  graceMs: number;
  /** A DELIVERING message untouched for this long was abandoned by a worker that stopped. */
  staleAfterMs: number;
  now: Date;
  batchSize?: number;
}

export interface SweptMessage {
  id: string;
  /** The state before the sweep; DELIVERING means an abandoned attempt. */
  previousState: string;
}

/**
 * Finds the messages of enabled connections that no worker has taken and makes them due now.
 * These are PENDING and RETRY_SCHEDULED messages more than `graceMs` past `nextAttemptAt` (no
 * worker ran, or its wake-ups were lost), and DELIVERING messages untouched for `staleAfterMs`
 * (their worker stopped mid-attempt). An abandoned attempt stays counted and its message becomes
 * RETRY_SCHEDULED, with a note in `lastError`. The caller queues the returned ids, which wakes
 * the workers.
 *
 * Moving `nextAttemptAt` to now keeps the next sweeps from queuing the same message again
 * before another grace period has passed. Rows locked by a running claim are skipped.
 */
export async function takeUnqueuedMessages(em: EntityManager, options: SweepOptions): Promise<SweptMessage[]> {
  const dueBefore = new Date(options.now.getTime() - options.graceMs);
  const staleBefore = new Date(options.now.getTime() - options.staleAfterMs);

  const rows: Array<{ id: string; previous_state: string }> = await em.execute(
    `with swept as (
       select m.id, m.state
         from push_messages m
         join push_connections c on c.id = m.connection_id
        where c.enabled and c.deleted_at is null
          and ((m.state in ('PENDING', 'RETRY_SCHEDULED') and coalesce(m.next_attempt_at, m.updated_at) <= ?)
            or (m.state = 'DELIVERING' and m.updated_at < ?))
        order by coalesce(m.next_attempt_at, m.updated_at)
        limit ?
        for update of m skip locked
     )
     update push_messages m
        set state = case when swept.state = 'DELIVERING' then 'RETRY_SCHEDULED'::push_message_state else m.state end,
            last_error = case when swept.state = 'DELIVERING' then ? else m.last_error end,
            next_attempt_at = ?,
            updated_at = ?
       from swept
      where m.id = swept.id
     returning m.id, swept.state::text as previous_state`,
    [dueBefore, staleBefore, options.batchSize ?? SWEEP_BATCH_SIZE, ABANDONED_NOTE, options.now, options.now],
  );
  return rows.map((row) => ({ id: row.id, previousState: row.previous_state }));
}

/** Result of a sweep step that logs the attempts that stopped workers cut off. */
export interface AbandonedAttemptsLogged {
  /**
   * Push log rows written for those attempts. An attempt that had a row already gets none. The
   * sweep counts them in docpush_delivery_attempts_abandoned_total.
   */
  abandonedAttempts: number;
}

export interface DeletedConnectionSweep extends AbandonedAttemptsLogged {
  /** Messages cancelled. */
  cancelled: number;
}

export interface DisabledConnectionSweep extends AbandonedAttemptsLogged {
  /** Messages moved from DELIVERING to RETRY_SCHEDULED, in ascending id order. */
  messageIds: string[];
}

/**
 * Cancels the unfinished messages of deleted connections that the deletion could not cancel:
 * those whose attempt was in flight then and whose worker stopped before recording it (stale
 * DELIVERING rows). The attempt that such a worker left, and one that a sweep marked with
 * ABANDONED_NOTE, gets its push log row here, because no worker claims a cancelled message again.
 * Returns how many messages it cancelled and how many such rows it wrote. A slow attempt write
 * may update the same rows, so they are locked in ascending id order, like every statement that
 * updates several push_messages rows.
 *
 * NOTE: an attempt that is still running when its claim goes stale writes its own row after this
 * one, so it has two rows, as after a claim that takes such an attempt over (recordAbandonedAttempts).
 */
export async function cancelMessagesOfDeletedConnections(
  em: EntityManager,
  options: { staleAfterMs: number; now: Date },
): Promise<DeletedConnectionSweep> {
  const staleBefore = new Date(options.now.getTime() - options.staleAfterMs);
  return em.transactional(async (tx) => {
    const cancelled: LastAttempt[] = await tx.execute(
      `with unfinished as (
         select m.id, (m.state = 'DELIVERING' or coalesce(m.last_error = ?, false)) as abandoned
           from push_messages m
           join push_connections c on c.id = m.connection_id
          where c.deleted_at is not null
            and (m.state in ('PENDING', 'RETRY_SCHEDULED') or (m.state = 'DELIVERING' and m.updated_at < ?))
          order by m.id
          for no key update of m
       ),
       cancelled as (
         update push_messages m
            set state = 'CANCELLED', next_attempt_at = null, last_error = 'Push connection was deleted.', updated_at = ?
           from unfinished
          where m.id = unfinished.id
         returning m.id, m.attempts, m.workspace_id, m.connection_id, m.event_id, m.is_test, unfinished.abandoned
       )
       ${selectLastAttempts('cancelled')}`,
      [ABANDONED_NOTE, staleBefore, options.now],
    );
    const logIds = await recordAbandonedLastAttempts(tx, cancelled, options.now);
    return { cancelled: cancelled.length, abandonedAttempts: logIds.length };
  });
}

/**
 * Logs the attempts that a stopped worker left on messages of disabled connections, and moves
 * those messages to wait with the connection's other messages. No claim takes a message of a
 * disabled connection, so otherwise its attempt would stay unlogged, and the message DELIVERING,
 * until the connection is enabled again. A message qualifies once it is DELIVERING and untouched
 * for `staleAfterMs`, the point at which a claim would take it over on an enabled connection.
 *
 * The message becomes RETRY_SCHEDULED, due at `now`, with ABANDONED_NOTE in `lastError`, like a
 * message that takeUnqueuedMessages sweeps. Its attempt stays counted, so the next claim gives
 * its next attempt a new number. Enabling the connection makes it due with the other waiting
 * messages. The claim after that finds the attempt's row and writes no second one. The push log
 * rows have the shape of recordAbandonedAttempts and stream to `deliveryLog` subscribers on
 * commit. The rows are locked in ascending id order, like every statement that updates several
 * push_messages rows, because a slow attempt write may update the same ones.
 *
 * NOTE: a connection enabled while this statement runs may have a message moved all the same.
 * That message is due at once, and the workers' poll (DOCPUSH_JOB_POLL_INTERVAL) claims it,
 * because the enabling queued only the messages that were waiting then. An attempt still running
 * when its claim goes stale writes its own row after this one, so it has two rows, as after a
 * claim that takes such an attempt over.
 */
export async function logAbandonedAttemptsOfDisabledConnections(
  em: EntityManager,
  options: { staleAfterMs: number; now: Date; batchSize?: number },
): Promise<DisabledConnectionSweep> {
  const staleBefore = new Date(options.now.getTime() - options.staleAfterMs);
  return em.transactional(async (tx) => {
    const moved: LastAttempt[] = await tx.execute(
      `with stale as (
         select m.id
           from push_messages m
           join push_connections c on c.id = m.connection_id
          where not c.enabled and c.deleted_at is null
            and m.state = 'DELIVERING' and m.updated_at < ?
          order by m.id
          limit ?
          for no key update of m
       ),
       moved as (
         update push_messages m
            set state = 'RETRY_SCHEDULED', last_error = ?, next_attempt_at = ?, updated_at = ?
           from stale
          where m.id = stale.id
         returning m.id, m.attempts, m.workspace_id, m.connection_id, m.event_id, m.is_test, true as abandoned
       )
       ${selectLastAttempts('moved')}
       order by x.id`,
      [staleBefore, options.batchSize ?? SWEEP_BATCH_SIZE, ABANDONED_NOTE, options.now, options.now],
    );
    const logIds = await recordAbandonedLastAttempts(tx, moved, options.now);
    return { messageIds: moved.map((message) => message.message_id), abandonedAttempts: logIds.length };
  });
}
