import { GraphQLError } from 'graphql';

/** GraphQL `extensions.code` values that docpush returns. */
export type ErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'SERVICE_UNAVAILABLE' | 'SUBSCRIPTION_ENDED';

/** Maximum number of characters of a rejected id that an error message quotes. */
export const MAX_QUOTED_ID_LENGTH = 100;

/**
 * Returns an id as a JSON string for an error message, cut to MAX_QUOTED_ID_LENGTH characters
 * with "…" after the cut, so that an id of megabytes is not sent back in full.
 */
export function quoteId(id: string | number): string {
  const text = String(id);
  return JSON.stringify(text.length > MAX_QUOTED_ID_LENGTH ? `${text.slice(0, MAX_QUOTED_ID_LENGTH)}…` : text);
}

/**
 * Base class of every error that is safe to show to an API caller. The message names the
 * field, the value and the fix; `field` repeats the field's path for clients that act on it.
 */
export abstract class DocpushError extends Error {
  abstract readonly code: ErrorCode;

  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** Returns the GraphQL `extensions` of this error: its code, and its field when it has one. */
  extensions(): Record<string, unknown> {
    const extensions: Record<string, unknown> = { code: this.code };
    if (this.field) extensions.field = this.field;
    return extensions;
  }

  toGraphQLError(): GraphQLError {
    return new GraphQLError(this.message, { extensions: this.extensions() });
  }
}

export class ValidationError extends DocpushError {
  readonly code = 'BAD_USER_INPUT' as const;

  constructor(field: string, message: string) {
    super(message, field);
  }
}

/**
 * The query that lists the ids of each entity, with the phrase for what it lists, keyed by the
 * label that services pass to NotFoundError.of.
 */
const LISTING_QUERIES: Readonly<Record<string, { query: string; lists: string }>> = {
  'API key': { query: 'apiKeys', lists: 'its API keys' },
  Document: { query: 'documents', lists: "a record's documents" },
  'Document record': { query: 'documentRecords', lists: 'its document records' },
  'Document record type': { query: 'documentRecordTypes', lists: 'its document record types' },
  File: { query: 'files', lists: "a record's files" },
  'Push connection': { query: 'pushConnections', lists: 'its push connections' },
  'Push log': { query: 'pushLogs', lists: 'its push logs' },
  'Push message': { query: 'pushMessages', lists: 'its push messages' },
  Template: { query: 'templates', lists: 'its templates' },
  'Template suite': { query: 'templateSuites', lists: 'its template suites' },
  User: { query: 'users', lists: 'its users' },
};

export class NotFoundError extends DocpushError {
  readonly code = 'NOT_FOUND' as const;

  /**
   * Creates the error of an unknown id; `field` names the argument that held it. The message
   * ends with the fix: check the argument, or list the ids with the query that lists them.
   */
  static of(entity: string, id: string | number, field = 'id'): NotFoundError {
    const argument = field === 'id' ? 'the id' : field;
    const listing = Object.hasOwn(LISTING_QUERIES, entity) ? LISTING_QUERIES[entity] : undefined;
    const fix = listing ? `check ${argument}, or list ${listing.lists} with the ${listing.query} query` : `check ${argument}`;
    return new NotFoundError(`${entity} ${quoteId(id)} was not found in this workspace: ${fix}.`, field);
  }
}

export class UnauthenticatedError extends DocpushError {
  readonly code = 'UNAUTHENTICATED' as const;
}

export class ForbiddenError extends DocpushError {
  readonly code = 'FORBIDDEN' as const;
}

export class ConflictError extends DocpushError {
  readonly code = 'CONFLICT' as const;
}

/** One rejected item of a batch request, as `extensions.errors` lists it. */
export interface RejectedItem {
  /** The item's index in the request's list. */
  index: number;
  code: ErrorCode;
  /** The path of the field at fault, such as `inputs[3].documentRecordId`. */
  field?: string;
  message: string;
}

/**
 * The error of a batch request that rejects one or more of its items. It takes the code and the
 * field of the first rejected item, and `extensions.errors` lists every rejected item.
 */
export class BatchItemsError extends DocpushError {
  readonly code: ErrorCode;

  constructor(
    message: string,
    readonly items: readonly RejectedItem[],
  ) {
    super(message, items[0].field);
    this.code = items[0].code;
  }

  override extensions(): Record<string, unknown> {
    return { ...super.extensions(), errors: this.items };
  }
}

/**
 * A request that this process cannot serve because of how it runs, although a correctly
 * configured process on the same database could. The message names the setting to fix.
 */
export class ServiceUnavailableError extends DocpushError {
  readonly code = 'SERVICE_UNAVAILABLE' as const;
}

/**
 * The end of a subscription by the server, which may have skipped events. The message names the
 * reason and how to read what the stream skipped before subscribing again.
 */
export class SubscriptionEndedError extends DocpushError {
  readonly code = 'SUBSCRIPTION_ENDED' as const;
}
