import { Arg, Args, Authorized, Ctx, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import { PushLogConnection, PushLogFilter, PushLogType, toPushLogType } from './push-log.type';
import { PushLogService } from './push-log.service';
import { DeliveryOutcome, type PushLog } from './push-log.entity';
import { PageArgs } from '../graphql/pagination';
import { scopeOf, type RequestContext } from '../graphql/context';
import { ApiKeyRole } from '../workspace/api-key.entity';
import { UnauthenticatedError } from '../common/errors';
import { findStreamedConnection } from './connection-filter';
import { NEEDS_ADMIN_KEY } from '../graphql/auth-checker';
import { selectedPushLogColumns } from './push-log-columns';

@Resolver(() => PushLogType)
@Authorized(ApiKeyRole.ADMIN)
export class PushLogResolver {
  @Query(() => PushLogConnection, { description: `Delivery attempts of the workspace, newest first. ${NEEDS_ADMIN_KEY}` })
  async pushLogs(
    @Arg('filter', () => PushLogFilter, { nullable: true, description: 'Conditions on the attempts; all attempts when omitted.' }) filter: PushLogFilter | null,
    @Args() { first, after }: PageArgs,
    @Ctx() context: RequestContext,
  ) {
    const page = await new PushLogService(scopeOf(context)).list(filter ?? {}, first, after);
    return { ...page, edges: page.edges.map((edge) => ({ ...edge, node: toPushLogType(edge.node) })) };
  }

  @Query(() => PushLogType, { description: `One delivery attempt. ${NEEDS_ADMIN_KEY}` })
  async pushLog(@Arg('id', () => ID, { description: 'Id of a push log of this workspace.' }) id: string, @Ctx() context: RequestContext) {
    return toPushLogType(await new PushLogService(scopeOf(context)).get(id));
  }

  @Subscription(() => PushLogType, {
    description: `Streams each push log row of the workspace as it is written, optionally for one connection or outcome. ${NEEDS_ADMIN_KEY}`,
    subscribe: async ({ args, context, info }) => {
      const { caller, services } = context as RequestContext;
      if (!caller) throw new UnauthenticatedError('An API key is required in the connection_init payload: { "authorization": "Bearer <key>" }.');
      // An unknown connection id is an error, as in every other operation, not a silent stream.
      const connection = args.connectionId ? await findStreamedConnection(scopeOf(context as RequestContext), args.connectionId) : null;
      // The feed reads the bodies and header maps of a workspace's rows only while a subscription selects them.
      return services.deliveryLogFeed.subscribe(
        { workspaceId: caller.workspaceId, connectionId: connection?.id, outcome: args.outcome ?? undefined },
        selectedPushLogColumns(info),
      );
    },
  })
  deliveryLog(
    @Root() log: PushLog,
    @Arg('connectionId', () => ID, { nullable: true, description: 'Only attempts of this push connection; NOT_FOUND for a deleted one.' }) _connectionId: string | null,
    @Arg('outcome', () => DeliveryOutcome, { nullable: true, description: 'Only attempts with this outcome.' }) _outcome: DeliveryOutcome | null,
  ): PushLogType {
    return toPushLogType(log);
  }
}
