import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { TemplateSuite } from './template-suite.entity';
import { TemplateSuiteConnection } from './catalog.type';
import { TemplateSuiteInput } from './template-suite.input';
import { TemplateSuiteService } from './template-suite.service';
import { PageArgs } from '../graphql/pagination';
import { scopeOf, type RequestContext } from '../graphql/context';

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

  @Mutation(() => TemplateSuite)
  createTemplateSuite(@Arg('input') input: TemplateSuiteInput, @Ctx() context: RequestContext) {
    return new TemplateSuiteService(scopeOf(context)).create(input);
  }

  @Mutation(() => TemplateSuite)
  updateTemplateSuite(@Arg('id', () => ID) id: string, @Arg('input') input: TemplateSuiteInput, @Ctx() context: RequestContext) {
    return new TemplateSuiteService(scopeOf(context)).update(id, input);
  }
}
