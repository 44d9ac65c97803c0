import type { FilterQuery } from '@mikro-orm/core';
import { PushLog } from './push-log.entity';
import type { PushLogFilter } from './push-log.type';
import type { WorkspaceScope } from '../common/workspace-scope';
import { checkPageSize, decodeCursor, toPage, type Page } from '../graphql/pagination';
import { ValidationError } from '../common/errors';
import { checkFilteredConnectionId } from './connection-filter';

/** Reads the push log of one workspace. */
export class PushLogService {
  constructor(private readonly scope: WorkspaceScope) {}

  get(id: string): Promise<PushLog> {
    return this.scope.get(PushLog, 'Push log', id);
  }

  async list(filter: PushLogFilter, first: number, after?: string | null): Promise<Page<PushLog>> {
    checkPageSize(first);
    const where = await this.buildWhere(filter);
    const afterId = decodeCursor(after);
    const pageWhere = afterId === null ? where : { $and: [where, { id: { $lt: afterId } }] };

    const rows = await this.scope.em.find(PushLog, pageWhere, { orderBy: { id: 'desc' }, limit: first + 1 });
    return toPage(rows, first, () => this.scope.em.count(PushLog, where));
  }

  private async buildWhere(filter: PushLogFilter): Promise<FilterQuery<PushLog>> {
    const where: Record<string, unknown> = { workspace: this.scope.workspaceId };
    if (filter.connectionId !== undefined && filter.connectionId !== null) {
      where.connectionId = await checkFilteredConnectionId(this.scope, 'filter.connectionId', filter.connectionId);
    }
    if (filter.messageId) where.messageId = filter.messageId;
    if (filter.eventType) where.eventType = filter.eventType;
    if (filter.outcome) where.outcome = filter.outcome;
    if (filter.responseCode !== undefined && filter.responseCode !== null) where.responseCode = filter.responseCode;
    if (filter.from || filter.to) {
      if (filter.from && filter.to && filter.from > filter.to) {
        throw new ValidationError('filter.from', `filter.from (${filter.from.toISOString()}) is after filter.to (${filter.to.toISOString()}); swap them.`);
      }
      where.createdAt = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
    }
    return where as FilterQuery<PushLog>;
  }
}
