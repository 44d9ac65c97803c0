import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import { PushConnectionStatusType, toPushConnectionStatusType } from './push-message.type';
import type { ConnectionStatusEvent } from './connection-status.feed';
import { scopeOf, type RequestContext } from '../graphql/context';
import { findStreamedConnection } from './connection-filter';
import { ApiKeyRole } from '../workspace/api-key.entity';
import { ForbiddenError, UnauthenticatedError } from '../common/errors';
import { NEEDS_ADMIN_KEY } from '../graphql/auth-checker';

@Resolver(() => PushConnectionStatusType)
export class PushConnectionStatusResolver {
  @Subscription(() => PushConnectionStatusType, {
    description:
      'Streams each change of a push connection of the workspace (optionally of one connection): enabled, disabled or deleted by an admin, ' +
      'and DISABLED_BY_DOCPUSH when the listener answered 410 Gone or every attempt failed for DOCPUSH_DISABLE_AFTER (5 days by default). ' +
      NEEDS_ADMIN_KEY,
    subscribe: async ({ args, context }) => {
      const { caller, services } = context as RequestContext;
      if (!caller) throw new UnauthenticatedError('An API key is required in the connection_init payload: { "authorization": "Bearer <key>" }.');
      if (caller.role !== ApiKeyRole.ADMIN) {
        throw new ForbiddenError(`Subscription.pushConnectionStatus requires a key with role ADMIN; this key has role ${caller.role}.`);
      }
      // An unknown connection id is an error, as in every other operation, not a silent stream.
      const connection = args.connectionId ? await findStreamedConnection(scopeOf(context as RequestContext), args.connectionId) : null;
      return services.connectionStatusFeed.subscribe({ workspaceId: caller.workspaceId, connectionId: connection?.id });
    },
  })
  pushConnectionStatus(
    @Root() event: ConnectionStatusEvent,
    @Arg('connectionId', () => ID, { nullable: true, description: 'Only changes of this push connection; NOT_FOUND for a deleted one.' }) _connectionId: string | null,
  ): PushConnectionStatusType {
    return toPushConnectionStatusType(event);
  }
}
