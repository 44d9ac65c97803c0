import type { FilterQuery } from '@mikro-orm/core';
import { PushLog } from './push-log.entity';
import type { PushLogFilter } from './push-log.type';
import type { WorkspaceScope } from '../common/workspace-scope';
import { checkPageSize, type Page } from '../graphql/pagination';
import { findPage } from '../graphql/page-query';
import { ValidationError } from '../common/errors';
import { checkFilteredConnectionId } from './connection-filter';
import { buildCreatedAtRange } from './created-at-range';
import { isMessageId } from '../common/ids';

/** Reads the push log of one workspace. */
export class PushLogService {
  constructor(private readonly scope: WorkspaceScope) {}

  get(id: string): Promise<PushLog> {
    return this.scope.get(PushLog, 'Push log', id);
  }

  async list(filter: PushLogFilter, first: number, after?: string | null): Promise<Page<PushLog>> {
    checkPageSize(first);
    const where = await this.buildWhere(filter);
    return findPage(this.scope.em, PushLog, 'pushLogs', where, { first, after });
  }

  private async buildWhere(filter: PushLogFilter): Promise<FilterQuery<PushLog>> {
    const where: Record<string, unknown> = { workspace: this.scope.workspaceId };
    if (filter.connectionId !== undefined && filter.connectionId !== null) {
      where.connectionId = await checkFilteredConnectionId(this.scope, 'filter.connectionId', filter.connectionId);
    }
    if (filter.messageId !== undefined && filter.messageId !== null) where.messageId = checkFilteredMessageId(filter.messageId);
    if (filter.eventType) where.eventType = filter.eventType;
    if (filter.outcome) where.outcome = filter.outcome;
    if (filter.responseCode !== undefined && filter.responseCode !== null) where.responseCode = checkFilteredResponseCode(filter.responseCode);
    const createdAt = buildCreatedAtRange(filter);
    if (createdAt) where.createdAt = createdAt;
    return where as FilterQuery<PushLog>;
  }
}

/** Returns a message id filter value, or raises ValidationError for one that no message can have. */
function checkFilteredMessageId(messageId: string): string {
  if (isMessageId(messageId)) return messageId;
  throw new ValidationError(
    'filter.messageId',
    `filter.messageId ${JSON.stringify(messageId.slice(0, 100))} is not a push message id: give an id such as msg_01JD5X7M3Q8ZP4N6R2T9V0W1YC, ` +
      'as pushMessages and the push log return them, or omit the filter.',
  );
}

/**
 * Returns a response code filter value, or raises ValidationError for one that no attempt can
 * have. Node's HTTP parser accepts any three-digit status, which the push log stores as received.
 */
function checkFilteredResponseCode(responseCode: number): number {
  if (responseCode === 0 || (responseCode >= 100 && responseCode <= 999)) return responseCode;
  throw new ValidationError(
    'filter.responseCode',
    `filter.responseCode ${responseCode} is not a logged response code: give 0 (no response received) or an HTTP status from 100 to 999.`,
  );
}
