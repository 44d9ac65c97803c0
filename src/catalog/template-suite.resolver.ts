import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ApiKeyRole } from '../workspace/api-key.entity';
import { TemplateSuite } from './template-suite.entity';
import { TemplateSuiteConnection } from './catalog.type';
import { TemplateSuiteInput } from './template-suite.input';
import { TemplateSuiteService } from './template-suite.service';
import { PageArgs } from '../graphql/pagination';
import { scopeOf, type RequestContext } from '../graphql/context';
import { NEEDS_ADMIN_KEY, NEEDS_ANY_KEY } from '../graphql/auth-checker';

/** Catalog reads are open to every key; changing the catalog is workspace set-up, for ADMIN keys. */
@Resolver(() => TemplateSuite)
@Authorized()
export class TemplateSuiteResolver {
  @Query(() => TemplateSuiteConnection, { description: `Template suites of the workspace, newest first. ${NEEDS_ANY_KEY}` })
  templateSuites(@Args() { first, after }: PageArgs, @Ctx() context: RequestContext) {
    return new TemplateSuiteService(scopeOf(context)).list(first, after);
  }

  @Query(() => TemplateSuite, { description: `One template suite. ${NEEDS_ANY_KEY}` })
  templateSuite(@Arg('id', () => ID, { description: 'Id of a template suite of this workspace.' }) id: string, @Ctx() context: RequestContext) {
    return new TemplateSuiteService(scopeOf(context)).get(id);
  }

  @Authorized(ApiKeyRole.ADMIN)
  @Mutation(() => TemplateSuite, { description: `Creates a template suite. ${NEEDS_ADMIN_KEY}` })
  createTemplateSuite(@Arg('input', { description: 'The new suite.' }) input: TemplateSuiteInput, @Ctx() context: RequestContext) {
    return new TemplateSuiteService(scopeOf(context)).create(input);
  }

  @Authorized(ApiKeyRole.ADMIN)
  @Mutation(() => TemplateSuite, { description: `Renames a template suite. ${NEEDS_ADMIN_KEY}` })
  updateTemplateSuite(
    @Arg('id', () => ID, { description: 'Id of a template suite of this workspace.' }) id: string,
    @Arg('input', { description: 'The new fields.' }) input: TemplateSuiteInput, @Ctx() context: RequestContext) {
    return new TemplateSuiteService(scopeOf(context)).update(id, input);
  }
}
