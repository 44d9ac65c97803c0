import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { WorkspaceType, toWorkspaceType } from './workspace.type';
import { WorkspaceSettingsService } from './workspace.service';
import { ApiKeyRole } from './api-key.entity';
import { scopeOf, type RequestContext } from '../graphql/context';
import { NEEDS_ADMIN_KEY, NEEDS_ANY_KEY } from '../graphql/auth-checker';

@Resolver(() => WorkspaceType)
export class WorkspaceResolver {
  @Authorized()
  @Query(() => WorkspaceType, { description: `The caller's workspace. ${NEEDS_ANY_KEY}` })
  async workspace(@Ctx() context: RequestContext) {
    return toWorkspaceType(await new WorkspaceSettingsService(scopeOf(context)).get());
  }

  @Authorized(ApiKeyRole.ADMIN)
  @Mutation(() => WorkspaceType, { description: `Names the user that acts where an action has no acting user. ${NEEDS_ADMIN_KEY}` })
  async setDefaultApiUser(@Arg('userId', () => ID, { description: 'Id of a user of this workspace.' }) userId: string, @Ctx() context: RequestContext) {
    return toWorkspaceType(await new WorkspaceSettingsService(scopeOf(context)).setDefaultApiUser(userId));
  }
}
