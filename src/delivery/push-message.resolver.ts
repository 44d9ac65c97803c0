import { Arg, Args, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { PushMessageConnection, PushMessageFilter, PushMessageType, toPushMessageType } from './push-message.type';
import { PushMessageService } from './push-message.service';
import { createTestMessage } from './test-message.service';
import { PageArgs } from '../graphql/pagination';
import { scopeOf, type RequestContext } from '../graphql/context';
import { ApiKeyRole } from '../workspace/api-key.entity';
import { NEEDS_ADMIN_KEY } from '../graphql/auth-checker';

function messageService(context: RequestContext): PushMessageService {
  const { deliveryQueue, config } = context.services;
  return new PushMessageService(scopeOf(context), { queue: deliveryQueue, staleAfterMs: config.jobs.lockLifetimeMs });
}

@Resolver(() => PushMessageType)
@Authorized(ApiKeyRole.ADMIN)
export class PushMessageResolver {
  @Query(() => PushMessageConnection, { description: `Push messages of the workspace, newest first. ${NEEDS_ADMIN_KEY}` })
  async pushMessages(
    @Arg('filter', () => PushMessageFilter, { nullable: true, description: 'Conditions on the messages; all messages when omitted.' }) filter: PushMessageFilter | null,
    @Args() { first, after }: PageArgs,
    @Ctx() context: RequestContext,
  ) {
    const page = await messageService(context).list(filter ?? {}, first, after);
    return { ...page, edges: page.edges.map((edge) => ({ ...edge, node: toPushMessageType(edge.node) })) };
  }

  @Query(() => PushMessageType, { description: `One push message. ${NEEDS_ADMIN_KEY}` })
  async pushMessage(@Arg('id', () => ID, { description: 'The webhook-id of a push message of this workspace.' }) id: string, @Ctx() context: RequestContext) {
    return toPushMessageType(await messageService(context).get(id));
  }

  @Mutation(() => PushMessageType, {
    description:
      'Queues one more attempt of the message now, whatever its state, with the same webhook-id. ' +
      'CONFLICT when an attempt is in flight or the connection is disabled or deleted. ' +
      'Returns the message as it was before that attempt; the attempt shows in pushLogs and deliveryLog. ' +
      'Each call queues its own attempt, as a redelivery button does, so two calls send the message twice; listeners de-duplicate by webhook-id. ' +
      'The attempt counts in attempts like any other, and when it fails, the new attempt count decides what follows, whatever the state before: ' +
      'a message waiting for a retry takes the next step of its retry schedule, a SUCCEEDED message becomes RETRY_SCHEDULED at the step that its attempt count gives, ' +
      'and a message whose schedule is used up is FAILED. ' +
      NEEDS_ADMIN_KEY,
  })
  async resendPushMessage(@Arg('id', () => ID, { description: 'The webhook-id of a push message of this workspace.' }) id: string, @Ctx() context: RequestContext) {
    return toPushMessageType(await messageService(context).resend(id));
  }

  @Mutation(() => Int, {
    description:
      'Queues again every FAILED message of the connection whose last attempt was at or after `since` (at most 14 days back), ' +
      'keeping their attempt counts, so each gets one more attempt, and retries only if its retry schedule has steps left (a message that failed after a 410, or unsent, before the schedule ran out). Test messages are left out. On a disabled connection they wait until it is enabled, unlike resendPushMessage, which rejects a disabled connection. Returns how many were queued. ' +
      NEEDS_ADMIN_KEY,
  })
  async recoverFailedMessages(
    @Arg('connectionId', () => ID, { description: 'Id of a push connection of this workspace that is not deleted.' }) connectionId: string,
    @Arg('since', () => Date, { description: 'Earliest last-attempt time of the messages to queue, not in the future and at most 14 days ago.' }) since: Date,
    @Ctx() context: RequestContext,
  ) {
    return messageService(context).recoverFailed(connectionId, since);
  }

  @Mutation(() => PushMessageType, {
    description:
      "Sends a sample message of the connection's first event type, built from an internal sample record, and logs it like any other " +
      'with isTest true. CONFLICT when the connection is disabled. ' +
      NEEDS_ADMIN_KEY,
  })
  async sendTestMessage(@Arg('connectionId', () => ID, { description: 'Id of a push connection of this workspace.' }) connectionId: string, @Ctx() context: RequestContext) {
    const message = await createTestMessage(scopeOf(context), connectionId);
    await context.services.deliveryQueue.enqueue([message.id]);
    return toPushMessageType(message);
  }
}
