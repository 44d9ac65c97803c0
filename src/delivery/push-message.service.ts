import type { FilterQuery, Loaded } from '@mikro-orm/core';
import { PushMessage, PushMessageState } from './push-message.entity';
import type { PushMessageFilter } from './push-message.type';
import { REQUEST_QUEUE_LIMIT, type DeliveryQueue } from './delivery-queue';
import { PushConnection } from '../connections/push-connection.entity';
import type { WorkspaceScope } from '../common/workspace-scope';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors';
import { checkPageSize, toPage, type Page } from '../graphql/pagination';
import { invalidCursorError, readCursorId } from '../graphql/cursor';
import { checkFilteredConnectionId } from './connection-filter';
import { buildCreatedAtRange } from './created-at-range';
import { isMessageId } from '../common/ids';

/**
 * Columns of the populated relations that the API never shows: the event's copy of its record
 * can be large, and a page of 100 messages would read 100 of them.
 */
const EXCLUDED_COLUMNS = ['event.recordSnapshot'] as const;

/** A push message as get and list load it. */
export type ListedPushMessage = Loaded<PushMessage, 'connection' | 'event', '*', (typeof EXCLUDED_COLUMNS)[number]>;

/** How far back recoverFailedMessages may reach. */
export const MAX_RECOVERY_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;

export interface PushMessageServiceDeps {
  queue: DeliveryQueue;
  /** A DELIVERING message untouched for this long was abandoned; a resend may take it over. */
  staleAfterMs: number;
  now?: () => Date;
}

/** Reads the push messages of one workspace and carries out the operator actions on them. */
export class PushMessageService {
  private readonly now: () => Date;

  constructor(
    private readonly scope: WorkspaceScope,
    private readonly deps: PushMessageServiceDeps,
  ) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Returns a message with its connection and event, but without the event's record snapshot. */
  async get(id: string): Promise<ListedPushMessage> {
    const message = isMessageId(id)
      ? await this.scope.em.findOne(PushMessage, { id, workspace: this.scope.workspaceId }, { populate: ['connection', 'event'], exclude: EXCLUDED_COLUMNS })
      : null;
    if (!message) throw NotFoundError.of('Push message', id);
    return message;
  }

  async list(filter: PushMessageFilter, first: number, after?: string | null): Promise<Page<ListedPushMessage>> {
    checkPageSize(first);
    const where = await this.buildWhere(filter);
    const scope = { list: 'pushMessages', filter: where };
    const afterId = readCursorId(scope, after);
    if (afterId !== null && !isMessageId(afterId)) throw invalidCursorError(after!);
    const pageWhere = afterId === null ? where : { $and: [where, { id: { $lt: afterId } }] };

    const rows = await this.scope.em.find(PushMessage, pageWhere as FilterQuery<PushMessage>, {
      populate: ['connection', 'event'],
      exclude: EXCLUDED_COLUMNS,
      orderBy: { id: 'desc' },
      limit: first + 1,
    });
    return toPage(rows, first, scope, () => this.scope.em.count(PushMessage, where));
  }

  /**
   * Queues one more attempt of the message now, whatever its state; the attempt keeps the
   * message id. Rejects a message whose attempt is in flight, and one whose connection is
   * disabled or deleted, since nothing would be sent.
   */
  async resend(id: string): Promise<ListedPushMessage> {
    const message = await this.get(id);
    const connection = message.connection;
    if (connection.deletedAt) {
      throw new ConflictError(`Push message ${id} belongs to push connection ${connection.id}, which was deleted; it cannot be sent again.`, 'id');
    }
    if (!connection.enabled) {
      throw new ConflictError(`Push connection ${connection.id} of push message ${id} is disabled; enable it, then resend the message.`, 'id');
    }
    const staleBefore = this.now().getTime() - this.deps.staleAfterMs;
    if (message.state === PushMessageState.DELIVERING && message.updatedAt.getTime() >= staleBefore) {
      throw new ConflictError(`Push message ${id} is being delivered right now (attempt ${message.attempts}); wait for that attempt to finish.`, 'id');
    }

    await this.deps.queue.enqueueResend(message.id);
    return message;
  }

  /**
   * Queues again every FAILED message of the connection whose last attempt was at or after
   * `since`, at most 14 days back. Each becomes PENDING with its attempt count kept, so one whose
   * retry schedule ran out fails again without retries if its next attempt fails. A message that
   * failed earlier, after a 410 or unsent, gets the rest of its schedule when its next attempt
   * fails in a way that is retried. Test messages are left out. Returns how many were recovered.
   */
  async recoverFailed(connectionId: string, since: Date): Promise<number> {
    const connection = await this.scope.get(PushConnection, 'Push connection', connectionId, { deletedAt: null }, 'connectionId');
    const now = this.now();
    checkRecoverySince(since, now);

    // Locks the rows in ascending id order, as every statement that updates several push_messages rows does.
    const rows: Array<{ id: string }> = await this.scope.em.execute(
      `update push_messages m set state = 'PENDING', next_attempt_at = ?, updated_at = ?
         from (
           select id from push_messages
            where connection_id = ? and workspace_id = ? and state = 'FAILED' and not is_test and updated_at >= ?
            order by id
            for no key update
         ) failed
        where m.id = failed.id
        returning m.id`,
      [now, now, connection.id, this.scope.workspaceId, since],
    );
    const ids = rows.map((row) => row.id).sort();
    await this.deps.queue.enqueue(ids.slice(0, REQUEST_QUEUE_LIMIT));
    return ids.length;
  }

  private async buildWhere(filter: PushMessageFilter): Promise<FilterQuery<PushMessage>> {
    const where: Record<string, unknown> = { workspace: this.scope.workspaceId };
    if (filter.connectionId !== undefined && filter.connectionId !== null) {
      where.connection = await checkFilteredConnectionId(this.scope, 'filter.connectionId', filter.connectionId);
    }
    if (filter.state) where.state = filter.state;
    if (filter.isTest !== undefined && filter.isTest !== null) where.isTest = filter.isTest;
    const createdAt = buildCreatedAtRange(filter);
    if (createdAt) where.createdAt = createdAt;
    return where as FilterQuery<PushMessage>;
  }
}

function checkRecoverySince(since: Date, now: Date): void {
  if (Number.isNaN(since.getTime())) throw new ValidationError('since', 'since is not a valid time; give an ISO 8601 time such as 2026-01-31T08:00:00Z.');
  if (since > now) {
    throw new ValidationError('since', `since=${since.toISOString()} is in the future; give a time in the last 14 days.`);
  }
  const earliest = new Date(now.getTime() - MAX_RECOVERY_WINDOW_MS);
  if (since < earliest) {
    throw new ValidationError(
      'since',
      `since=${since.toISOString()} is more than 14 days ago; recover at most 14 days back, from ${earliest.toISOString()} or later.`,
    );
  }
}
