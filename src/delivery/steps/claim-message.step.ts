import type { EntityManager } from '@mikro-orm/postgresql';
import { PushMessage, PushMessageState } from '../push-message.entity';

export interface ClaimOptions {
  /** Operator resend: attempt the message whatever its state. */
  force: boolean;
  /** A DELIVERING message older than this was left by a crashed worker and may be taken over. */
  staleAfterMs: number;
  now: Date;
}

export type ClaimResult =
  | { kind: 'claimed'; message: PushMessage }
  | { kind: 'skipped'; reason: string };

/**
 * Atomically moves a message to DELIVERING and counts the attempt, so two workers (a retry
 * and a resend, or a sweeper's duplicate job) never send the same attempt twice. Loads the
 * message with everything the later steps need.
 */
export async function claimMessage(em: EntityManager, messageId: string, options: ClaimOptions): Promise<ClaimResult> {
  const staleBefore = new Date(options.now.getTime() - options.staleAfterMs);
  const claimable = options.force
    ? `m.state <> 'DELIVERING' or m.updated_at < ?`
    : `m.state = 'PENDING' or (m.state = 'RETRY_SCHEDULED' and m.next_attempt_at <= ?) or (m.state = 'DELIVERING' and m.updated_at < ?)`;
  const params = options.force ? [staleBefore] : [options.now, staleBefore];

  const claimed: Array<{ id: string }> = await em.execute(
    `update push_messages m set state = 'DELIVERING', attempts = attempts + 1, updated_at = ?
       from push_connections c
      where m.id = ? and c.id = m.connection_id and c.enabled and c.deleted_at is null and (${claimable})
      returning m.id`,
    [options.now, messageId, ...params],
  );
  if (claimed.length === 0) return { kind: 'skipped', reason: await explainSkip(em, messageId) };

  const message = await em.findOneOrFail(PushMessage, messageId, {
    populate: [
      'connection',
      'event',
      'event.author',
      'event.documentRecord',
      'event.documentRecord.author',
      'event.documentRecord.owner',
      'event.documentRecord.templateSuite',
      'event.documentRecord.documentRecordType',
      'workspace',
      'workspace.defaultApiUser',
    ],
    refresh: true,
  });
  return { kind: 'claimed', message };
}

/** Describes why a message was not claimed, cancelling it when its connection is gone. */
async function explainSkip(em: EntityManager, messageId: string): Promise<string> {
  const message = await em.findOne(PushMessage, messageId, { populate: ['connection'], refresh: true });
  if (!message) return 'message no longer exists';

  if (message.connection.deletedAt && !isFinished(message.state)) {
    message.state = PushMessageState.CANCELLED;
    message.nextAttemptAt = null;
    await em.flush();
    return 'connection was deleted; message cancelled';
  }
  if (!message.connection.enabled) return 'connection is disabled; the message waits until it is enabled again';
  return `message is ${message.state}${message.nextAttemptAt ? ` until ${message.nextAttemptAt.toISOString()}` : ''}`;
}

export function isFinished(state: PushMessageState): boolean {
  return state === PushMessageState.SUCCEEDED || state === PushMessageState.FAILED || state === PushMessageState.CANCELLED;
}
