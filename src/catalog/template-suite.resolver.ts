import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ApiKeyRole } from '../workspace/api-key.entity';
import { TemplateSuite } from './template-suite.entity';
import { TemplateSuiteConnection } from './catalog.type';
import { TemplateSuiteInput } from './template-suite.input';
import { TemplateSuiteService } from './template-suite.service';
import { PageArgs } from '../graphql/pagination';
import { scopeOf, type RequestContext } from '../graphql/context';

/** Catalog reads are open to every key; changing the catalog is workspace set-up, for ADMIN keys. */
@Resolver(() => TemplateSuite)
@Authorized()
export class TemplateSuiteResolver {
  @Query(() => TemplateSuiteConnection, { description: 'Template suites of the workspace, newest first.' })
  templateSuites(@Args() { first, after }: PageArgs, @Ctx() context: RequestContext) {
    return new TemplateSuiteService(scopeOf(context)).list(first, after);
  }

  @Query(() => TemplateSuite)
  templateSuite(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext) {
    return new TemplateSuiteService(scopeOf(context)).get(id);
  }

  @Authorized(ApiKeyRole.ADMIN)
  @Mutation(() => TemplateSuite)
  createTemplateSuite(@Arg('input') input: TemplateSuiteInput, @Ctx() context: RequestContext) {
    return new TemplateSuiteService(scopeOf(context)).create(input);
  }

  @Authorized(ApiKeyRole.ADMIN)
  @Mutation(() => TemplateSuite)
  updateTemplateSuite(@Arg('id', () => ID) id: string, @Arg('input') input: TemplateSuiteInput, @Ctx() context: RequestContext) {
    return new TemplateSuiteService(scopeOf(context)).update(id, input);
  }
}
