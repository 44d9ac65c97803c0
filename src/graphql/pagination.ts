import { ArgsType, ClassType, Field, Int, ObjectType } from 'type-graphql';
import { ValidationError } from '../common/errors';
import { cursorEncoder, type CursorScope } from './cursor';

/** Largest page a client may ask for; larger `first` values are rejected, not clamped. */
export const MAX_PAGE_SIZE = 100;

@ObjectType({ simpleResolvers: true, description: 'Where a page ends and whether more items follow it.' })
export class PageInfo {
  @Field({ description: 'True when more items follow this page; pass endCursor as `after` to fetch them.' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'The cursor of the last item of this page; null for an empty page.' })
  endCursor!: string | null;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 20, description: `Page size, 1 to ${MAX_PAGE_SIZE}.` })
  first!: number;

  @Field(() => String, {
    nullable: true,
    description:
      'The `endCursor` of the previous page of this query with the same arguments; omit it or pass null for the first page. ' +
      'An empty string and a cursor of another list or of other arguments are rejected.',
  })
  after?: string | null;
}

export interface Page<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
  /**
   * Counts every row that matches the filter, on the first call only. GraphQL's default field
   * resolver calls it when a request selects `totalCount`, so a request that pages without it
   * does not count a long history on every page.
   */
  totalCount: () => Promise<number>;
}

/** Builds a Relay-style connection type (`edges { cursor node }`, `pageInfo`, `totalCount`) for a node type. */
export function ConnectionType<T extends object>(nodeType: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true, description: `One ${name} of a page, with its cursor.` })
  class Edge {
    @Field({ description: 'An opaque cursor of this item; pass it as `after` to the same query with the same arguments to fetch the items that follow it.' })
    cursor!: string;

    @Field(() => nodeType, { description: `The ${name}.` })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true, description: `One page of ${name} items, newest first.` })
  class Connection implements Page<T> {
    @Field(() => [Edge], { description: `The ${name} items of this page, at most \`first\` of them.` })
    edges!: Edge[];

    @Field(() => PageInfo, { description: 'Where this page ends and whether more items follow.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'Number of items that match the filter on every page; counted only when selected.' })
    totalCount!: () => Promise<number>;
  }

  return Connection;
}

export function checkPageSize(first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new ValidationError('first', `first=${first} is invalid: ask for 1 to ${MAX_PAGE_SIZE} items per page and follow pageInfo.endCursor for more.`);
  }
}

/**
 * Turns `first + 1` rows fetched newest-first into a page whose total comes from `countTotal`
 * when selected. The cursors are bound to `scope`, the list and filter that selected the rows.
 */
export function toPage<T extends { id: number | string }>(rows: T[], first: number, scope: CursorScope, countTotal: () => Promise<number>): Page<T> {
  const hasNextPage = rows.length > first;
  const nodes = hasNextPage ? rows.slice(0, first) : rows;
  const cursorOf = cursorEncoder(scope);
  const edges = nodes.map((node) => ({ cursor: cursorOf(node.id), node }));
  let total: Promise<number> | null = null;
  const totalCount = () => (total ??= countTotal());
  return { edges, totalCount, pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
}
