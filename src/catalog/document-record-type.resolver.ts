import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ApiKeyRole } from '../workspace/api-key.entity';
import { DocumentRecordType } from './document-record-type.entity';
import { DocumentRecordTypeConnection } from './catalog.type';
import { DocumentRecordTypeInput } from './document-record-type.input';
import { DocumentRecordTypeService } from './document-record-type.service';
import { PageArgs } from '../graphql/pagination';
import { scopeOf, type RequestContext } from '../graphql/context';
import { NEEDS_ADMIN_KEY, NEEDS_ANY_KEY } from '../graphql/auth-checker';

/** Catalog reads are open to every key; changing the catalog is workspace set-up, for ADMIN keys. */
@Resolver(() => DocumentRecordType)
@Authorized()
export class DocumentRecordTypeResolver {
  @Query(() => DocumentRecordTypeConnection, { description: `Document record types of the workspace, newest first. ${NEEDS_ANY_KEY}` })
  documentRecordTypes(@Args() { first, after }: PageArgs, @Ctx() context: RequestContext) {
    return new DocumentRecordTypeService(scopeOf(context)).list(first, after);
  }

  @Query(() => DocumentRecordType, { description: `One document record type. ${NEEDS_ANY_KEY}` })
  documentRecordType(@Arg('id', () => ID, { description: 'Id of a document record type of this workspace.' }) id: string, @Ctx() context: RequestContext) {
    return new DocumentRecordTypeService(scopeOf(context)).get(id);
  }

  @Authorized(ApiKeyRole.ADMIN)
  @Mutation(() => DocumentRecordType, { description: `Creates a document record type. ${NEEDS_ADMIN_KEY}` })
  createDocumentRecordType(@Arg('input', { description: 'The new type.' }) input: DocumentRecordTypeInput, @Ctx() context: RequestContext) {
    return new DocumentRecordTypeService(scopeOf(context)).create(input);
  }

  @Authorized(ApiKeyRole.ADMIN)
  @Mutation(() => DocumentRecordType, { description: `Renames a document record type. ${NEEDS_ADMIN_KEY}` })
  updateDocumentRecordType(
    @Arg('id', () => ID, { description: 'Id of a document record type of this workspace.' }) id: string,
    @Arg('input', { description: 'The new fields.' }) input: DocumentRecordTypeInput, @Ctx() context: RequestContext) {
    return new DocumentRecordTypeService(scopeOf(context)).update(id, input);
  }
}
