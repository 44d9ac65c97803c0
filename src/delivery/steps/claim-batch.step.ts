import type { EntityManager } from '@mikro-orm/postgresql';
import { executePrepared, numberPlaceholders, type PreparedStatement } from '../../database/raw-sql';
import type { PushMessage } from '../push-message.entity';
import { selectClaimedMessages, toClaimedMessage, type ClaimedMessageRow } from './load-claimed.step';

export interface BatchClaimOptions {
  /** Largest number of messages to claim. */
  limit: number;
  /** Largest number of DELIVERING messages of one connection, counting only those not stale and not in `requestEndedIds`. */
  connectionConcurrency: number;
  /** A DELIVERING message untouched for this long was left by a stopped worker and is claimed again. */
  staleAfterMs: number;
  /**
   * DELIVERING messages of this worker whose request has ended and whose attempt is being
   * written. They no longer take a slot of their connection.
   */
  requestEndedIds?: readonly string[];
  now: Date;
}

/**
 * Error noted on a message whose attempt a stopped worker left unfinished. It stays until the next
 * attempt ends, and the claim of that attempt reads it as the mark of the abandoned one, which
 * recordAbandonedAttempts then logs.
 */
export const ABANDONED_NOTE = 'The worker stopped during this attempt, so its outcome is unknown; the message was queued again.';

/**
 * Error noted on a message that a stopping worker released at its drain deadline. That worker
 * ended the attempt's request and writes the attempt's own push log row before it exits, so,
 * unlike ABANDONED_NOTE, this note does not make the next claim log the attempt.
 */
export const RELEASED_AT_STOP_NOTE = 'The worker stopped during this attempt and ended its request; the message was queued again.';

/**
 * Relations that building, attaching and recording an attempt read. The record's author, owner,
 * template suite and record type appear in a message by id only, which their unloaded references
 * carry, so joining and hydrating them would only cost time.
 */
export const DELIVERY_RELATIONS = ['connection', 'event', 'event.author', 'event.documentRecord', 'workspace', 'workspace.defaultApiUser'] as const;

/**
 * Claims up to `limit` due messages of enabled connections and returns them loaded with
 * DELIVERY_RELATIONS (see selectClaimedMessages), in one statement, which saves a busy worker a
 * round trip on each of its many claims per second. Each claimed message moves to DELIVERING
 * with its attempt counted. Due means PENDING or RETRY_SCHEDULED with `nextAttemptAt` reached,
 * or DELIVERING and stale. Oldest due first. Rows locked by another worker's claim are skipped,
 * not waited for.
 *
 * A connection gets at most as many messages as it has free slots under `connectionConcurrency`,
 * and its rows beyond those slots are never candidates, so one connection's backlog cannot fill
 * a claim and hold back the others. Messages that do not fit stay due and are claimed once a
 * request of their connection ends and its attempt's write starts. The limit counts
 * requests: a message in `requestEndedIds` has its response and waits only for its attempt to be
 * written, so it takes no slot.
 *
 * NOTE: two workers claiming at the same moment both count the other's claims as not yet in
 * flight, so a connection can briefly have up to one extra batch per worker in flight. Making
 * the limit exact would need a lock per connection, which serialised every claim when it was
 * tried (docs/benchmarks.md).
 */
export async function claimAndLoadDueMessages(em: EntityManager, options: BatchClaimOptions): Promise<PushMessage[]> {
  const rows = await executePrepared<ClaimedMessageRow>(em, CLAIM_AND_LOAD, claimParams(options));
  return rows.map(toClaimedMessage);
}

/**
 * The `with … claimed as (update … returning m.*)` part of a claim. Each connection with free
 * slots contributes at most that many of its oldest due rows (the lateral subquery, which locks
 * them), and the oldest `limit` of those are claimed. Rows locked but not claimed are released
 * when the statement ends. The parameters are those of claimParams.
 *
 * The candidates of a connection are its oldest waiting rows, read in order from the partial due
 * index, and its stale DELIVERING rows, each list cut to the free slots and locked as read. One
 * condition with an OR made PostgreSQL read and sort every due row of the connection on each
 * claim: with 2,000 waiting for one connection, the claim was the database's busiest statement.
 * The waiting rows are bounded by row comparisons on (connection_id, next_attempt_at) rather than
 * `connection_id = c.id`, so that only push_messages_due_index yields their order. With an
 * equality, a generic plan could read push_messages_next_due_index in time order instead and
 * filter out the other connections' rows, reading the whole backlog once per connection.
 */
const CLAIM_SQL = `with in_flight as (
       select connection_id, count(*)::int as busy
         from push_messages
        where state = 'DELIVERING' and updated_at >= ? and id <> all(?::text[])
        group by connection_id
     ),
     picked as (
       select due.id, due.next_attempt_at, due.created_at
         from push_connections c
         left join in_flight f on f.connection_id = c.id
         cross join lateral (
           select u.id, u.next_attempt_at, u.created_at
             from (
                   select w.* from (
                     select d.id, d.next_attempt_at, d.created_at
                       from push_messages d
                      where d.state in ('PENDING', 'RETRY_SCHEDULED')
                        and (d.connection_id, d.next_attempt_at) >= (c.id, '-infinity'::timestamptz)
                        and (d.connection_id, d.next_attempt_at) <= (c.id, ?)
                      order by d.connection_id, d.next_attempt_at, d.created_at
                      limit greatest(?::int - coalesce(f.busy, 0), 0)
                        for update of d skip locked) w
                   union all
                   select s.* from (
                     select t.id, t.next_attempt_at, t.created_at
                       from push_messages t
                      where t.connection_id = c.id and t.state = 'DELIVERING' and t.updated_at < ?
                      order by t.next_attempt_at, t.created_at
                      limit greatest(?::int - coalesce(f.busy, 0), 0)
                        for update of t skip locked) s
                  ) u
            order by u.next_attempt_at, u.created_at
            limit greatest(?::int - coalesce(f.busy, 0), 0)
         ) due
        where c.enabled and c.deleted_at is null and coalesce(f.busy, 0) < ?::int
        order by due.next_attempt_at, due.created_at
        limit ?::int
     ),
     claimed as (
       update push_messages m
          set state = 'DELIVERING', attempts = m.attempts + 1, updated_at = ?,
              last_error = case when m.state = 'DELIVERING' then ?::text else m.last_error end
         from picked
        where m.id = picked.id
       returning m.*
     )`;

export const CLAIM_AND_LOAD: PreparedStatement = {
  name: 'docpush_claim_and_load_due_messages',
  text: numberPlaceholders(`${CLAIM_SQL} ${selectClaimedMessages('claimed')}`),
};

export function claimParams(options: BatchClaimOptions): unknown[] {
  const staleBefore = new Date(options.now.getTime() - options.staleAfterMs);
  const { now, connectionConcurrency: slots } = options;
  const requestEndedIds = [...(options.requestEndedIds ?? [])];
  // In the order of the placeholders: in_flight, the waiting and the stale rows, the connection's and the claim's limits, the update.
  return [staleBefore, requestEndedIds, now, slots, staleBefore, slots, slots, slots, options.limit, now, ABANDONED_NOTE];
}

/**
 * Returns the earliest `nextAttemptAt` after `since` among PENDING and RETRY_SCHEDULED messages,
 * or null. Messages due at `since` already are not considered: they wait for a free slot of their
 * connection, and the start of an attempt's write or the end of an attempt wakes the dispatcher
 * for them.
 */
export async function nextDueTime(em: EntityManager, since: Date): Promise<Date | null> {
  const rows = await executePrepared<{ next: Date | string | null }>(em, NEXT_DUE_TIME, [since]);
  const next = rows[0]?.next;
  return next ? new Date(next) : null;
}

export const NEXT_DUE_TIME: PreparedStatement = {
  name: 'docpush_next_due_time',
  text: `select min(next_attempt_at) as next from push_messages where state in ('PENDING', 'RETRY_SCHEDULED') and next_attempt_at > $1`,
};

/**
 * Makes messages that this worker claimed but did not finish due again at once, because the
 * worker is stopping or could not start them. Only rows still DELIVERING at the claimed attempt
 * are touched, so a row another worker has taken over meanwhile keeps its state. A started
 * attempt stays counted, with RELEASED_AT_STOP_NOTE, since it may have reached the listener. An attempt given
 * as -1 was never started: any claimed attempt matches, and its count is taken back. The rows
 * are locked in ascending id order, as every statement that updates several push_messages rows
 * locks them.
 */
export async function releaseClaims(em: EntityManager, claims: Array<{ id: string; attempt: number }>, now: Date): Promise<number> {
  if (claims.length === 0) return 0;
  const rows: Array<{ id: string }> = await em.execute(
    `update push_messages m
        set state = 'RETRY_SCHEDULED', next_attempt_at = ?, updated_at = ?,
            attempts = case when released.attempt = -1 then m.attempts - 1 else m.attempts end,
            last_error = case when released.attempt = -1 then m.last_error else ? end
       from (
         select m.id, claimed.attempt
           from (select unnest(array[?]::text[]) as id, unnest(array[?]::int[]) as attempt) claimed
           join push_messages m on m.id = claimed.id
          where (m.attempts = claimed.attempt or claimed.attempt = -1) and m.state = 'DELIVERING'
          order by m.id
          for no key update of m
       ) released
      where m.id = released.id
     returning m.id`,
    [now, now, RELEASED_AT_STOP_NOTE, claims.map((claim) => claim.id), claims.map((claim) => claim.attempt)],
  );
  return rows.length;
}

