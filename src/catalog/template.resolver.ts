import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ApiKeyRole } from '../workspace/api-key.entity';
import { Template } from './template.entity';
import { TemplateConnection } from './catalog.type';
import { CreateTemplateInput, UpdateTemplateInput } from './template.input';
import { TemplateService } from './template.service';
import { PageArgs } from '../graphql/pagination';
import { scopeOf, type RequestContext } from '../graphql/context';

/** Catalog reads are open to every key; changing the catalog is workspace set-up, for ADMIN keys. */
@Resolver(() => Template)
@Authorized()
export class TemplateResolver {
  @Query(() => TemplateConnection, { description: 'Templates of the workspace, newest first; of one template suite when templateSuiteId is given.' })
  templates(
    @Arg('templateSuiteId', () => ID, { nullable: true }) templateSuiteId: string | null,
    @Args() { first, after }: PageArgs,
    @Ctx() context: RequestContext,
  ) {
    return new TemplateService(scopeOf(context)).list(templateSuiteId, first, after);
  }

  @Query(() => Template)
  template(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext) {
    return new TemplateService(scopeOf(context)).get(id);
  }

  @FieldResolver(() => ID)
  templateSuiteId(@Root() template: Template): number {
    return template.templateSuite.id;
  }

  @Authorized(ApiKeyRole.ADMIN)
  @Mutation(() => Template)
  createTemplate(@Arg('input') input: CreateTemplateInput, @Ctx() context: RequestContext) {
    return new TemplateService(scopeOf(context)).create(input);
  }

  @Authorized(ApiKeyRole.ADMIN)
  @Mutation(() => Template)
  updateTemplate(@Arg('id', () => ID) id: string, @Arg('input') input: UpdateTemplateInput, @Ctx() context: RequestContext) {
    return new TemplateService(scopeOf(context)).update(id, input);
  }
}
