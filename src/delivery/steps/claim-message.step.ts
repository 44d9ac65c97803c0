import { LoadStrategy, type EntityManager } from '@mikro-orm/postgresql';
import { PushMessage, PushMessageState } from '../push-message.entity';
import { ABANDONED_NOTE, DELIVERY_RELATIONS } from './claim-batch.step';

export interface ClaimOptions {
  /** Operator resend: attempt the message whatever its state. */
  force: boolean;
  /**
   * Agenda job id of an operator resend (with `force`). The claim stores it on the message. It
   * skips a message that carries this id already, because the job then claimed an attempt before
   * its worker crashed, and the takeover of that attempt sends the message again.
   */
  resendJobId?: string;
  /** A DELIVERING message older than this was left by a crashed worker and may be taken over. */
  staleAfterMs: number;
  /** Largest number of DELIVERING messages of one connection, counting only those not stale. */
  connectionConcurrency: number;
  now: Date;
}

export type ClaimResult =
  | { kind: 'claimed'; message: PushMessage }
  | { kind: 'skipped'; reason: string }
  /** The message could be attempted, but its connection already has the maximum number of attempts in flight. */
  | { kind: 'busy'; reason: string };

/**
 * Atomically moves a message to DELIVERING and counts the attempt, so two workers (a retry
 * and a resend, or a sweeper's duplicate job) never send the same attempt twice. Returns
 * `busy` without counting an attempt when the connection already has `connectionConcurrency`
 * attempts in flight. A stale DELIVERING message taken over gets ABANDONED_NOTE as its error,
 * as in claimAndLoadDueMessages. A resend job claims at most one attempt (see resendJobId).
 * Loads the message with everything the later steps need.
 */
export async function claimMessage(em: EntityManager, messageId: string, options: ClaimOptions): Promise<ClaimResult> {
  const staleBefore = new Date(options.now.getTime() - options.staleAfterMs);
  const claimable = claimableCondition(options.force);
  const params = options.force ? [staleBefore] : [options.now, staleBefore];
  const resendJobId = options.force ? (options.resendJobId ?? null) : null;

  // One statement, no transaction: the count of in-flight attempts and the claim run together.
  // NOTE: two workers claiming for one connection at the same moment can both see the last free
  // slot, so the limit can be exceeded by the number of simultaneous claims. An advisory lock
  // around count and update made it exact, but serialised every claim of a connection and cut
  // single-connection throughput to a few deliveries per second (docs/benchmarks.md).
  const claimed: Array<{ id: string }> = await em.execute(
    `update push_messages m set state = 'DELIVERING', attempts = attempts + 1, updated_at = ?,
            last_error = case when m.state = 'DELIVERING' then ?::text else m.last_error end,
            resend_job_id = coalesce(?::text, m.resend_job_id)
       from push_connections c
      where m.id = ? and c.id = m.connection_id and c.enabled and c.deleted_at is null and (${claimable})
        and (?::text is null or m.resend_job_id is distinct from ?::text)
        and (select count(*) from push_messages d
              where d.connection_id = m.connection_id and d.state = 'DELIVERING' and d.updated_at >= ? and d.id <> m.id) < ?
      returning m.id`,
    [options.now, ABANDONED_NOTE, resendJobId, messageId, ...params, resendJobId, resendJobId, staleBefore, options.connectionConcurrency],
  );
  if (claimed.length === 0) return explainSkip(em, messageId, options, staleBefore);

  // The fork has loaded nothing yet, so the message and its relations come fresh from the database.
  const message = await em.findOneOrFail(PushMessage, messageId, { populate: [...DELIVERY_RELATIONS], strategy: LoadStrategy.JOINED });
  return { kind: 'claimed', message };
}

/** Rows of push_messages `m` that an attempt may take; `?` placeholders as claimMessage fills them. */
function claimableCondition(force: boolean): string {
  return force
    ? `m.state <> 'DELIVERING' or m.updated_at < ?`
    : `m.state = 'PENDING' or (m.state = 'RETRY_SCHEDULED' and m.next_attempt_at <= ?) or (m.state = 'DELIVERING' and m.updated_at < ?)`;
}

/** Says why a message was not claimed, cancelling it when its connection is gone. */
async function explainSkip(em: EntityManager, messageId: string, options: ClaimOptions, staleBefore: Date): Promise<ClaimResult> {
  const message = await em.findOne(PushMessage, messageId, { populate: ['connection'], refresh: true });
  if (!message) return { kind: 'skipped', reason: 'message no longer exists' };

  // The attempt of a DELIVERING message settles it when its write ends, or the sweeper logs and
  // cancels it once stale, so cancelling it here would overwrite the outcome of a delivered attempt.
  if (message.connection.deletedAt && message.state === PushMessageState.DELIVERING) {
    return { kind: 'skipped', reason: 'connection was deleted; the attempt in flight settles the message' };
  }
  if (message.connection.deletedAt && !isFinished(message.state)) {
    message.state = PushMessageState.CANCELLED;
    message.nextAttemptAt = null;
    await em.flush();
    return { kind: 'skipped', reason: 'connection was deleted; message cancelled' };
  }
  if (!message.connection.enabled) return { kind: 'skipped', reason: 'connection is disabled; the message waits until it is enabled again' };
  // NOTE: a resend job still running at a clean stop's drain deadline is run again too, and ends
  // here as well. Its aborted attempt then takes the retry decision of any failed attempt.
  if (options.force && options.resendJobId !== undefined && message.resendJobId === options.resendJobId) {
    return { kind: 'skipped', reason: 'this resend job claimed an attempt before its worker stopped, and that attempt is taken over like any abandoned one' };
  }
  if (isClaimable(message, options, staleBefore)) {
    return { kind: 'busy', reason: `connection already has ${options.connectionConcurrency} attempts in flight` };
  }
  return { kind: 'skipped', reason: `message is ${message.state}${message.nextAttemptAt ? ` until ${message.nextAttemptAt.toISOString()}` : ''}` };
}

/** Evaluates the condition of claimableCondition on a loaded message. */
function isClaimable(message: PushMessage, options: ClaimOptions, staleBefore: Date): boolean {
  const stale = message.state === PushMessageState.DELIVERING && message.updatedAt < staleBefore;
  if (options.force) return message.state !== PushMessageState.DELIVERING || stale;
  if (message.state === PushMessageState.PENDING) return true;
  if (message.state === PushMessageState.RETRY_SCHEDULED) return message.nextAttemptAt !== null && message.nextAttemptAt <= options.now;
  return stale;
}

export function isFinished(state: PushMessageState): boolean {
  return state === PushMessageState.SUCCEEDED || state === PushMessageState.FAILED || state === PushMessageState.CANCELLED;
}
