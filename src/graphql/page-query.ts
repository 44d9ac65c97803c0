import type { EntityManager } from '@mikro-orm/postgresql';
import type { EntityName, FilterQuery, FindOptions } from '@mikro-orm/core';
import { checkPageSize, toPage, type Page } from './pagination';
import { readNumericCursorId } from './cursor';

/**
 * Loads one page of the rows of query `list` that match `where`, newest (highest id) first; the
 * total is counted when selected. `after` is the endCursor of the previous page of the same
 * list and `where`; `first` must be 1 to MAX_PAGE_SIZE. `exclude` names columns that the page
 * does not show, which are then not read.
 */
export async function findPage<T extends { id: number }>(
  em: EntityManager,
  entity: EntityName<T>,
  list: string,
  where: FilterQuery<T>,
  page: { first: number; after?: string | null },
  exclude: readonly string[] = [],
): Promise<Page<T>> {
  checkPageSize(page.first);
  const scope = { list, filter: where };
  const afterId = readNumericCursorId(scope, page.after);
  const pageWhere = afterId === null ? where : ({ $and: [where, { id: { $lt: afterId } }] } as FilterQuery<T>);

  const options = { orderBy: { id: 'desc' }, limit: page.first + 1, ...(exclude.length > 0 ? { exclude } : {}) };
  const rows = await em.find(entity, pageWhere, options as FindOptions<T>);
  return toPage(rows, page.first, scope, () => em.count(entity, where));
}

/** Converts the nodes of a page, keeping cursors, pageInfo and totalCount. */
export function mapPage<T, U>(page: Page<T>, convert: (node: T) => U): Page<U> {
  return { ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: convert(edge.node) })) };
}
