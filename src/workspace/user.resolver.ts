import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { User } from './user.entity';
import { UserConnection } from './user.type';
import { CreateUserInput, UpdateUserInput } from './user.input';
import { UserService } from './user.service';
import { ApiKeyRole } from './api-key.entity';
import { PageArgs } from '../graphql/pagination';
import { scopeOf, type RequestContext } from '../graphql/context';

@Resolver(() => User)
export class UserResolver {
  @Authorized()
  @Query(() => UserConnection, { description: 'Users of the workspace, newest first.' })
  users(@Args() { first, after }: PageArgs, @Ctx() context: RequestContext) {
    return new UserService(scopeOf(context)).list(first, after);
  }

  @Authorized()
  @Query(() => User)
  user(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext) {
    return new UserService(scopeOf(context)).get(id);
  }

  @Authorized(ApiKeyRole.ADMIN)
  @Mutation(() => User)
  createUser(@Arg('input') input: CreateUserInput, @Ctx() context: RequestContext) {
    return new UserService(scopeOf(context)).create(input);
  }

  @Authorized(ApiKeyRole.ADMIN)
  @Mutation(() => User)
  updateUser(@Arg('id', () => ID) id: string, @Arg('input') input: UpdateUserInput, @Ctx() context: RequestContext) {
    return new UserService(scopeOf(context)).update(id, input);
  }
}
