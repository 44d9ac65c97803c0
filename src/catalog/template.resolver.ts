import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ApiKeyRole } from '../workspace/api-key.entity';
import { Template } from './template.entity';
import { TemplateConnection } from './catalog.type';
import { CreateTemplateInput, UpdateTemplateInput } from './template.input';
import { TemplateService } from './template.service';
import { PageArgs } from '../graphql/pagination';
import { scopeOf, type RequestContext } from '../graphql/context';
import { NEEDS_ADMIN_KEY, NEEDS_ANY_KEY } from '../graphql/auth-checker';

/** Catalog reads are open to every key; changing the catalog is workspace set-up, for ADMIN keys. */
@Resolver(() => Template)
@Authorized()
export class TemplateResolver {
  @Query(() => TemplateConnection, { description: `Templates of the workspace, newest first; of one template suite when templateSuiteId is given. ${NEEDS_ANY_KEY}` })
  templates(
    @Arg('templateSuiteId', () => ID, { nullable: true, description: 'Only templates of this template suite of the workspace.' }) templateSuiteId: string | null,
    @Args() { first, after }: PageArgs,
    @Ctx() context: RequestContext,
  ) {
    return new TemplateService(scopeOf(context)).list(templateSuiteId, first, after);
  }

  @Query(() => Template, { description: `One template. ${NEEDS_ANY_KEY}` })
  template(@Arg('id', () => ID, { description: 'Id of a template of this workspace.' }) id: string, @Ctx() context: RequestContext) {
    return new TemplateService(scopeOf(context)).get(id);
  }

  @FieldResolver(() => ID, { description: 'The template suite that the template belongs to.' })
  templateSuiteId(@Root() template: Template): number {
    return template.templateSuite.id;
  }

  @Authorized(ApiKeyRole.ADMIN)
  @Mutation(() => Template, { description: `Creates a template in a template suite. ${NEEDS_ADMIN_KEY}` })
  createTemplate(@Arg('input', { description: 'The new template.' }) input: CreateTemplateInput, @Ctx() context: RequestContext) {
    return new TemplateService(scopeOf(context)).create(input);
  }

  @Authorized(ApiKeyRole.ADMIN)
  @Mutation(() => Template, {
    description: `Changes a template; files generated after the change use its new name and layout. ${NEEDS_ADMIN_KEY}`,
  })
  updateTemplate(
    @Arg('id', () => ID, { description: 'Id of a template of this workspace.' }) id: string,
    @Arg('input', { description: 'The changes; omitted fields keep their value.' }) input: UpdateTemplateInput, @Ctx() context: RequestContext) {
    return new TemplateService(scopeOf(context)).update(id, input);
  }
}
