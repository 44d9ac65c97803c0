import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PushConnectionConnection, PushConnectionType, toPushConnectionType } from './push-connection.type';
import { CreatePushConnectionInput, UpdatePushConnectionInput } from './push-connection.input';
import { PushConnectionService } from './push-connection.service';
import { PageArgs } from '../graphql/pagination';
import { scopeOf, type RequestContext } from '../graphql/context';
import { ApiKeyRole } from '../workspace/api-key.entity';
import { MAX_PREVIOUS_SIGNING_SECRETS } from '../signing/webhook-signature';
import { NEEDS_ADMIN_KEY } from '../graphql/auth-checker';

const CONNECTION_ID = 'Id of a push connection of this workspace.';

function connectionService(context: RequestContext): PushConnectionService {
  const { secretBox, targetPolicy, monitoring } = context.services;
  return new PushConnectionService(scopeOf(context), { secretBox, targetPolicy, metrics: monitoring.metrics, logger: context.logger });
}

@Resolver(() => PushConnectionType)
@Authorized(ApiKeyRole.ADMIN)
export class PushConnectionResolver {
  @Query(() => PushConnectionConnection, { description: `Push connections of the workspace, newest first; deleted ones are left out. ${NEEDS_ADMIN_KEY}` })
  async pushConnections(@Args() { first, after }: PageArgs, @Ctx() context: RequestContext) {
    const page = await connectionService(context).list(first, after);
    return { ...page, edges: page.edges.map((edge) => ({ ...edge, node: toPushConnectionType(edge.node) })) };
  }

  @Query(() => PushConnectionType, { description: `One push connection; NOT_FOUND for a deleted one. ${NEEDS_ADMIN_KEY}` })
  async pushConnection(@Arg('id', () => ID, { description: CONNECTION_ID }) id: string, @Ctx() context: RequestContext) {
    return toPushConnectionType(await connectionService(context).get(id));
  }

  @FieldResolver(() => String, { description: 'The current Standard Webhooks signing secret (whsec_...).' })
  async signingSecret(@Root() root: PushConnectionType, @Ctx() context: RequestContext) {
    // The secret of the row this result was built from: reloading could return a newer rotation's.
    const service = connectionService(context);
    const sealed = root.sealedSigningSecret ?? service.sealedCurrentSigningSecret(await service.get(root.id));
    return service.openSigningSecret(root.id, sealed);
  }

  @Mutation(() => PushConnectionType, { description: `Creates a disabled push connection; enable it to start pushing. ${NEEDS_ADMIN_KEY}` })
  async createPushConnection(@Arg('input', { description: 'The new connection.' }) input: CreatePushConnectionInput, @Ctx() context: RequestContext) {
    return toPushConnectionType(await connectionService(context).create(input));
  }

  @Mutation(() => PushConnectionType, {
    description: `Changes a push connection. Attempts made after the change, of queued messages too, use the new URL, headers and file options. ${NEEDS_ADMIN_KEY}`,
  })
  async updatePushConnection(
    @Arg('id', () => ID, { description: CONNECTION_ID }) id: string,
    @Arg('input', { description: 'The changes; omitted fields keep their value.' }) input: UpdatePushConnectionInput,
    @Ctx() context: RequestContext,
  ) {
    return toPushConnectionType(await connectionService(context).update(id, input));
  }

  @Mutation(() => PushConnectionType, {
    description:
      'Enables the connection and makes all its waiting messages due at once, including retries scheduled for later. ' +
      `Events recorded while it was disabled are not pushed to it. ${NEEDS_ADMIN_KEY}`,
  })
  async enablePushConnection(@Arg('id', () => ID, { description: CONNECTION_ID }) id: string, @Ctx() context: RequestContext) {
    const { connection, dueMessageIds } = await connectionService(context).enable(id);
    await context.services.deliveryQueue.enqueue(dueMessageIds);
    return toPushConnectionType(connection);
  }

  @Mutation(() => PushConnectionType, {
    description:
      'Disables the connection: its waiting messages stay queued until it is enabled again, and events recorded meanwhile are not pushed to it. ' +
      'Disabling a disabled connection changes nothing and streams no pushConnectionStatus event, and it returns the connection with disabledAt and disabledReason unchanged. ' +
      NEEDS_ADMIN_KEY,
  })
  async disablePushConnection(@Arg('id', () => ID, { description: CONNECTION_ID }) id: string, @Ctx() context: RequestContext) {
    return toPushConnectionType(await connectionService(context).disable(id));
  }

  @Mutation(() => PushConnectionType, { description: `Deletes the connection and cancels its undelivered messages; its logs stay. ${NEEDS_ADMIN_KEY}` })
  async deletePushConnection(@Arg('id', () => ID, { description: CONNECTION_ID }) id: string, @Ctx() context: RequestContext) {
    return toPushConnectionType(await connectionService(context).delete(id));
  }

  @Mutation(() => PushConnectionType, {
    description:
      'Replaces the signing secret; the previous one keeps signing alongside it for the configured grace period (DOCPUSH_SECRET_ROTATION_GRACE, 24 hours by default). ' +
      `At most ${MAX_PREVIOUS_SIGNING_SECRETS} previous secrets keep signing, so a rotation beyond that drops the oldest. ${NEEDS_ADMIN_KEY}`,
  })
  async rotatePushConnectionSecret(@Arg('id', () => ID, { description: CONNECTION_ID }) id: string, @Ctx() context: RequestContext) {
    const graceMs = context.services.config.signing.rotationGraceMs;
    return toPushConnectionType(await connectionService(context).rotateSigningSecret(id, graceMs));
  }
}
