import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ApiKeyRole } from '../workspace/api-key.entity';
import { DocumentRecordType } from './document-record-type.entity';
import { DocumentRecordTypeConnection } from './catalog.type';
import { DocumentRecordTypeInput } from './document-record-type.input';
import { DocumentRecordTypeService } from './document-record-type.service';
import { PageArgs } from '../graphql/pagination';
import { scopeOf, type RequestContext } from '../graphql/context';

/** Catalog reads are open to every key; changing the catalog is workspace set-up, for ADMIN keys. */
@Resolver(() => DocumentRecordType)
@Authorized()
export class DocumentRecordTypeResolver {
  @Query(() => DocumentRecordTypeConnection, { description: 'Document record types of the workspace, newest first.' })
  documentRecordTypes(@Args() { first, after }: PageArgs, @Ctx() context: RequestContext) {
    return new DocumentRecordTypeService(scopeOf(context)).list(first, after);
  }

  @Query(() => DocumentRecordType)
  documentRecordType(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext) {
    return new DocumentRecordTypeService(scopeOf(context)).get(id);
  }

  @Authorized(ApiKeyRole.ADMIN)
  @Mutation(() => DocumentRecordType)
  createDocumentRecordType(@Arg('input') input: DocumentRecordTypeInput, @Ctx() context: RequestContext) {
    return new DocumentRecordTypeService(scopeOf(context)).create(input);
  }

  @Authorized(ApiKeyRole.ADMIN)
  @Mutation(() => DocumentRecordType)
  updateDocumentRecordType(@Arg('id', () => ID) id: string, @Arg('input') input: DocumentRecordTypeInput, @Ctx() context: RequestContext) {
    return new DocumentRecordTypeService(scopeOf(context)).update(id, input);
  }
}
