import type { EntityManager } from '@mikro-orm/postgresql';
import type { DeliveryQueue } from '../delivery-queue';

export interface DeferInput {
  messageId: string;
  /** The job was an operator resend, which must keep its right to attempt a finished message. */
  force: boolean;
  delayMs: number;
  now: Date;
  queue: DeliveryQueue;
  random?: () => number;
}

export type DeferResult = { kind: 'deferred'; reason: string; retryAt: Date } | { kind: 'skipped'; reason: string };

/** ±20% spread, so the messages that waited together do not all try again in the same instant. */
const DEFER_JITTER = 0.2;

/**
 * Queues the message again a short delay later, without counting an attempt, because its
 * connection already has the maximum number of attempts in flight. The delay is also written
 * to `nextAttemptAt`, which keeps the sweeper from queuing the waiting message a second time.
 *
 * When two jobs of one message find the connection busy, only the first moves `nextAttemptAt`
 * ahead and queues again; the second ends, so waiting never multiplies jobs. Should the queued
 * job be lost, the sweeper finds the message once `nextAttemptAt` has passed.
 */
export async function deferBusyMessage(em: EntityManager, input: DeferInput): Promise<DeferResult> {
  const random = input.random ?? Math.random;
  const delayMs = Math.round(input.delayMs * (1 + DEFER_JITTER * (2 * random() - 1)));
  const retryAt = new Date(input.now.getTime() + delayMs);

  const moved: Array<{ id: string }> = await em.execute(
    `update push_messages set next_attempt_at = ?
      where id = ? and state in ('PENDING', 'RETRY_SCHEDULED') and (next_attempt_at is null or next_attempt_at <= ?)
      returning id`,
    [retryAt, input.messageId, input.now],
  );
  if (moved.length === 0 && !input.force) {
    return { kind: 'skipped', reason: 'connection is busy and another job already waits for this message' };
  }

  if (input.force) await input.queue.enqueueResend(input.messageId, retryAt);
  else await input.queue.enqueue([input.messageId], retryAt);
  return { kind: 'deferred', reason: 'connection is busy', retryAt };
}
