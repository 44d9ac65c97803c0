import { GraphQLError } from 'graphql';

/** GraphQL `extensions.code` values that docpush returns. */
export type ErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'SERVICE_UNAVAILABLE' | 'SUBSCRIPTION_ENDED';

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

  toGraphQLError(): GraphQLError {
    const extensions: Record<string, unknown> = { code: this.code };
    if (this.field) extensions.field = this.field;
    return new GraphQLError(this.message, { extensions });
  }
}

export class ValidationError extends DocpushError {
  readonly code = 'BAD_USER_INPUT' as const;

  constructor(field: string, message: string) {
    super(message, field);
  }
}

export class NotFoundError extends DocpushError {
  readonly code = 'NOT_FOUND' as const;

  /** Creates the error of an unknown id; `field` names the argument that held it. */
  static of(entity: string, id: string | number, field = 'id'): NotFoundError {
    const hint = field === 'id' ? '' : `: check ${field}`;
    return new NotFoundError(`${entity} ${JSON.stringify(String(id))} was not found in this workspace${hint}.`, field);
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
