import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { User } from './user.entity';
import { UserConnection } from './user.type';
import { CreateUserInput, UpdateUserInput } from './user.input';
import { UserService } from './user.service';
import { ApiKeyRole } from './api-key.entity';
import { PageArgs } from '../graphql/pagination';
import { scopeOf, type RequestContext } from '../graphql/context';
import { NEEDS_ADMIN_KEY, NEEDS_ANY_KEY } from '../graphql/auth-checker';

const USER_ID = 'Id of a user of this workspace.';

@Resolver(() => User)
export class UserResolver {
  @Authorized()
  @Query(() => UserConnection, { description: `Users of the workspace, newest first. ${NEEDS_ANY_KEY}` })
  users(@Args() { first, after }: PageArgs, @Ctx() context: RequestContext) {
    return new UserService(scopeOf(context)).list(first, after);
  }

  @Authorized()
  @Query(() => User, { description: `One user. ${NEEDS_ANY_KEY}` })
  user(@Arg('id', () => ID, { description: USER_ID }) id: string, @Ctx() context: RequestContext) {
    return new UserService(scopeOf(context)).get(id);
  }

  @Authorized(ApiKeyRole.ADMIN)
  @Mutation(() => User, { description: `Creates a user of the workspace, who can then author events and own records. ${NEEDS_ADMIN_KEY}` })
  createUser(@Arg('input', { description: 'The new user.' }) input: CreateUserInput, @Ctx() context: RequestContext) {
    return new UserService(scopeOf(context)).create(input);
  }

  @Authorized(ApiKeyRole.ADMIN)
  @Mutation(() => User, { description: `Changes a user. ${NEEDS_ADMIN_KEY}` })
  updateUser(@Arg('id', () => ID, { description: USER_ID }) id: string, @Arg('input', { description: 'The changes; omitted fields keep their value.' }) input: UpdateUserInput, @Ctx() context: RequestContext) {
    return new UserService(scopeOf(context)).update(id, input);
  }
}
